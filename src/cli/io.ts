// Where a command writes: injected so commands can be tested as functions.
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

// A reader that goes away early (`portcullis order ... | head -1`) closes the pipe: the
// lines left to print are dropped and the command ends with its own exit code, rather
// than with an unhandled EPIPE and its stack trace.
const closed = new Set<NodeJS.WriteStream>();
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed.add(stream);
  });
}

function writeLine(stream: NodeJS.WriteStream, line: string): void {
  if (!closed.has(stream)) stream.write(`${line}\n`);
}

export const processIo: CommandIo = {
  out: (line) => writeLine(process.stdout, line),
  err: (line) => writeLine(process.stderr, line),
};
