/** URLs of the app's pages; image names hold '/' and run ids are free text, so both are encoded into one path segment. */
export const paths = {
  overview: '/',
  image: (image: string) => `/images/${encodeURIComponent(image)}`,
  runs: '/runs',
  run: (runId: string) => `/runs/${encodeURIComponent(runId)}`,
};
