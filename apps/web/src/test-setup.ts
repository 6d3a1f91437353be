import '@testing-library/jest-dom/vitest';

// Tests stub fetch at the boundary; never let one test's stub leak into the next.
afterEach(() => {
  vi.unstubAllGlobals();
});
