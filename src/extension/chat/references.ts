// The references a user attaches to an @claude request (#file, #selection, a dropped image,
// a pasted snippet) → content blocks: text files and ranges as tagged text, images as image
// blocks. Large files are cut at a bound, and said to be.
import * as vscode from 'vscode';
import type { ContentBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { sniffImageType } from './imageType';

const MAX_CHARS = 200_000;
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp']);

function attachment(name: string, body: string, language?: string): ContentBlockParam {
  const cut = body.length > MAX_CHARS;
  const content = cut ? `${body.slice(0, MAX_CHARS)}\n[… cut at ${MAX_CHARS} characters of ${body.length}]` : body;
  const lang = language ? ` language="${language}"` : '';
  return { type: 'text', text: `<attachment name="${name}"${lang}>\n${content}\n</attachment>` };
}

function label(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}

async function fromUri(uri: vscode.Uri): Promise<ContentBlockParam | null> {
  const ext = uri.path.slice(uri.path.lastIndexOf('.')).toLowerCase();
  if (IMAGE_EXTENSIONS.has(ext)) {
    const bytes = await vscode.workspace.fs.readFile(uri);
    const image = sniffImageType(bytes);
    if (image === null) return null;
    return { type: 'image', source: { type: 'base64', media_type: image, data: Buffer.from(bytes).toString('base64') } };
  }
  const document = await vscode.workspace.openTextDocument(uri);
  return attachment(label(uri), document.getText(), document.languageId);
}

async function fromLocation(location: vscode.Location): Promise<ContentBlockParam> {
  const document = await vscode.workspace.openTextDocument(location.uri);
  const { start, end } = location.range;
  return attachment(`${label(location.uri)}:${start.line + 1}-${end.line + 1}`, document.getText(location.range), document.languageId);
}

/** Blocks for the attached references, and the names of those that could not be read. */
export async function referenceBlocks(
  references: readonly vscode.ChatPromptReference[],
): Promise<{ blocks: ContentBlockParam[]; unreadable: string[] }> {
  const blocks: ContentBlockParam[] = [];
  const unreadable: string[] = [];
  for (const ref of references) {
    try {
      const value = ref.value;
      if (value instanceof vscode.Uri) {
        const block = await fromUri(value);
        if (block) blocks.push(block);
      } else if (value instanceof vscode.Location) {
        blocks.push(await fromLocation(value));
      } else if (typeof value === 'string') {
        blocks.push(attachment(ref.modelDescription ?? ref.id, value));
      } else {
        unreadable.push(ref.id);
      }
    } catch {
      unreadable.push(ref.id);
    }
  }
  return { blocks, unreadable };
}
