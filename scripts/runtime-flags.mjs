// V8 flags the release tarball's launcher starts the program with (the npm entry cannot pass
// flags to node). A young generation of 8 MB instead of V8's 16 MB keeps the peak memory of a
// 1M-line replay around 135 MB instead of 175 MB, at no cost in speed (measured by npm run bench).
export const RUNTIME_FLAGS = ['--max-semi-space-size=8'];
