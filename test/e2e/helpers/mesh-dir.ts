// A temporary config directory for `meshpilot serve`: the grpc-echo fixture's mesh plus one of
// its VirtualService files (test/fixtures/e2e/grpc-echo/README.md).

import { cp, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoPath } from "../../helpers/repo.js";

export const FIXTURE = repoPath("test/fixtures/e2e/grpc-echo");

export interface MeshDir {
  readonly dir: string;
  /** Replaces the VirtualService file with another fixture variant, or edited text. */
  setVirtualService(variantOrText: string, edit?: (text: string) => string): Promise<void>;
  remove(): Promise<void>;
}

export async function meshDir(variant?: string): Promise<MeshDir> {
  const dir = await mkdtemp(join(tmpdir(), "meshpilot-e2e-"));
  await cp(join(FIXTURE, "mesh"), dir, { recursive: true });
  const target = join(dir, "virtual-service.yaml");
  const setVirtualService = async (v: string, edit = (t: string) => t) => {
    const text = await readFile(join(FIXTURE, "virtual-services", `${v}.yaml`), "utf8");
    await writeFile(`${target}.tmp`, edit(text));
    await rename(`${target}.tmp`, target);
  };
  if (variant) await setVirtualService(variant);
  return { dir, setVirtualService, remove: () => rm(dir, { recursive: true, force: true }) };
}
