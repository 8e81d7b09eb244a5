// Long-running commands stop cleanly on Ctrl-C (SIGINT) or SIGTERM.
export function untilSignal(onHangup?: () => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (onHangup) process.off('SIGHUP', onHangup);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (onHangup) process.on('SIGHUP', onHangup);
  });
}
