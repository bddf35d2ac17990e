// The command-line apps' entry (bundled into build/netdicom-cli.cjs, which launcher.ts runs): dispatches to the subcommands of commands.ts.
import { main } from "./main.js";

const io = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
};

// exitCode rather than exit(), so what was written to a pipe is flushed first.
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`netdicom: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
