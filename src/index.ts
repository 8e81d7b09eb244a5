// Public entry point of the package.
export * from './native/index.ts';
