// Saves an API answer as a file: fetched with the credentials, handed to the browser as a blob.
import { raw } from "@/lib/api";

export async function download(path: string, query: Record<string, string>, fallbackName: string): Promise<void> {
  const response = await raw(path, { query });
  const disposition = response.headers.get("content-disposition") ?? "";
  const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  const blob = await response.blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = named ? decodeURIComponent(named) : fallbackName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
