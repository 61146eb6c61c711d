// Kept in step with package.json by a test (the bundle must not read package.json at run time).
export const VERSION = '0.1.0';
