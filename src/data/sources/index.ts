/**
 * Listing a data source into an Inventory: the one exhaustive dispatch over `data.source`.
 * `fingerprint` (sha256 over the sorted (ref, id, label) list) identifies the listed content, so
 * the ingest stage's cache key changes exactly when the data does.
 */
import type { Inventory } from '../../core/data.js';
import type { DataSpec } from '../../core/spec.js';
import { NO_MISSING, inventoryFingerprint, type ListOptions, type MissingPolicy } from './common.js';
import { listCsv, readCells, readColumn, readTabular } from './csv.js';
import { listImageFolder, IMAGE_EXTENSIONS } from './image-folder.js';
import { listSynthetic, syntheticId } from './synthetic.js';

export type { ListOptions, MissingPolicy };
export { NO_MISSING };
export { readCells, readColumn, readTabular, IMAGE_EXTENSIONS, syntheticId, inventoryFingerprint };

/**
 * List `spec`'s items in a deterministic order (class order, then sorted ref; CSV rows in file
 * order). Throws DataError for a missing folder/file/column, an empty class, unknown labels or
 * bad values (every problem at once, in `details`); unreadable files are thrown (`on-error: fail`)
 * or listed in `inventory.skipped` (`skip`). Files that read but do not decode are found later, by
 * decodeImages.
 */
export async function listInventory(spec: DataSpec, opts: ListOptions): Promise<{ inventory: Inventory; fingerprint: string }> {
  let inventory: Inventory;
  switch (spec.source) {
    case 'image-folder': inventory = await listImageFolder(spec, opts); break;
    case 'synthetic-cracks': inventory = listSynthetic(spec, opts); break;
    case 'csv': inventory = await listCsv(spec, opts); break;
    default: return spec satisfies never;
  }
  return { inventory, fingerprint: inventoryFingerprint(inventory) };
}
