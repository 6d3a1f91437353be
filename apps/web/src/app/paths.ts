/** URLs of the app's pages; the image name holds '/', so it is encoded into one path segment. */
export const paths = {
  overview: '/',
  image: (image: string) => `/images/${encodeURIComponent(image)}`,
};
