import type { LibraryModel } from '../concepts';

/**
 * Pillow: `ImageMath.eval()` evaluates its expression with Python's `eval()` (renamed `unsafe_eval()` in Pillow 11;
 * `lambda_eval()` takes a function instead). https://pillow.readthedocs.io/en/stable/reference/ImageMath.html
 */

export const pillow: LibraryModel = {
  name: 'Pillow',
  sinks: ['eval', 'unsafe_eval'].map((fn) => ({
    callee: `PIL.ImageMath.${fn}`, concept: 'code' as const, args: [0, 'expression'], label: `\`ImageMath.${fn}()\` runs it as Python`,
  })),
};
