// Loaded with `node --import`: uWebSockets.js then fails to load as its prebuilt binary
// does on a machine it was not built for (its Node.js 22 and 24 builds need glibc 2.38),
// so that a test can show what each command does there.
import { register } from 'node:module';

const hooks = `
export async function resolve(specifier, context, next) {
  if (specifier === 'uWebSockets.js') {
    throw new Error(
      "This version of uWS.js supports only Node.js versions ...\\n\\nError: libc.so.6: version \`GLIBC_2.38' not found (required by uws_linux_x64_127.node)",
    );
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
