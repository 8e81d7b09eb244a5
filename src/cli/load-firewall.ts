// `start` and `demo` load the firewall, and with it uWebSockets.js, only when they run.
//
// Why: uWebSockets.js is a prebuilt binary per Node.js version and platform, and one
// that does not fit the machine (its Node.js 22 and 24 builds need glibc 2.38, newer
// than Debian 12's) fails as it loads. Loaded up front, it took every command down
// with it: keygen, check-config, order and venue, which never use it. Now only the
// commands that run the server need it, and they say plainly why they cannot.
import type { Firewall } from '../firewall.ts';

export async function loadFirewall(): Promise<typeof Firewall> {
  try {
    await import('uWebSockets.js');
  } catch (error) {
    throw new Error(
      `the HTTP and WebSocket server (uWebSockets.js) does not load with Node.js ${process.version} on this machine: ${causeOf(error)}`,
    );
  }
  return (await import('../firewall.ts')).Firewall;
}

/** The loader's own reason, which its message gives last (after a line on what it supports). */
function causeOf(error: unknown): string {
  const lines = String((error as Error)?.message ?? error)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return lines.at(-1)?.replace(/^Error: /, '') ?? 'unknown error';
}
