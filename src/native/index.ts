export * from './keys.ts';
export * from './rate-limiter.ts';
