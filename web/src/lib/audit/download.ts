/** Saves a blob as a file through a temporary object URL, released right after. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // The click has handed the URL to the download; let it start before releasing it.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}
