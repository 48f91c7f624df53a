// Lint rules: typescript-eslint's recommended set, plus a ban on Electron inside the engine
// so the same code keeps serving the app, the CLI, the bridge and the tests.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', '.tools/**', '.cache/**', 'models/**', 'native/build/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The engine must not import Electron.' }] }],
    },
  },
);
