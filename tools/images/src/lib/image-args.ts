/** The parseArgs options every image script takes: which project, and how its image is built. */
export const imageArgOptions = {
  project: { type: 'string' },
  dockerfile: { type: 'string' },
  context: { type: 'string' },
  'build-arg': { type: 'string', multiple: true, default: [] as string[] },
} as const;
