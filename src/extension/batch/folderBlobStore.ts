// Named JSON files in one folder through vscode.workspace.fs (the extension's workspace
// storage, or its global storage in a window without a folder). A file is written aside
// and renamed into place, so a reader never sees half of it.
import * as vscode from 'vscode';
import type { BlobStore } from './workspaceBatchStore';

export function folderBlobStore(folder: vscode.Uri): BlobStore {
  const fs = vscode.workspace.fs;
  const file = (name: string): vscode.Uri => vscode.Uri.joinPath(folder, name);
  return {
    async read(name) {
      try {
        return new TextDecoder().decode(await fs.readFile(file(name)));
      } catch {
        return undefined;
      }
    },
    async write(name, text) {
      await fs.createDirectory(folder);
      const aside = file(`${name}.${process.pid}.tmp`);
      await fs.writeFile(aside, new TextEncoder().encode(text));
      await fs.rename(aside, file(name), { overwrite: true });
    },
    async delete(name) {
      await fs.delete(file(name)).then(
        () => undefined,
        () => undefined,
      );
    },
  };
}
