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
  // faker 10 ships only ES modules; let swc turn it into CommonJS like our own sources.
  transformIgnorePatterns: ['/node_modules/(?!@faker-js/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 60_000,
};
