// Plain JavaScript on purpose: a jest.config.ts would need ts-node, which imports the TypeScript
// compiler API that TypeScript 7 no longer ships. Sources are transpiled by @swc/jest instead.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // faker 10 ships only ES modules, and so do packages linkedom's CommonJS build
  // requires (Node 20 loads them by require(esm), Jest does not); let swc turn them into CommonJS.
  // A file is transformed when its path passes through one of these packages (their own nested
  // node_modules too).
  transformIgnorePatterns: ['^(?!.*/node_modules/(?:@faker-js|css-select|css-what|nth-check|boolbase|entities|cssomnom|domhandler|domelementtype|domutils|dom-serializer|htmlparser2|uhyphen|html-escaper)/).*/node_modules/'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 60_000,
};
