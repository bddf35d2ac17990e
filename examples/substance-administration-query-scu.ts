// Substance Administration Query SCU (PS3.4 V): looks a product up by its package identifier
// with a Product Characteristics Query C-FIND.
//   npx tsx examples/substance-administration-query-scu.ts ADDR PORT
import { AE, sop } from "netdicom";

const [host = "127.0.0.1", portText = "11112"] = process.argv.slice(2);
const model = sop.ProductCharacteristicsQuery;
const ae = new AE({ aeTitle: "SAQ_SCU" });
ae.addRequestedContext(model);
const assoc = await ae.associate(host, Number(portText), { aeTitle: "SAQ_SCP" });
if (!assoc.isEstablished) {
  console.error(`association failed: ${assoc.reason ?? "unknown"}`);
  process.exit(1);
}
let failed = false;
try {
  const found: string[] = [];
  let final: number | undefined;
  const query = { ProductPackageIdentifier: "0001-0002", ProductName: "", ProductDescription: "" };
  for await (const rsp of assoc.sendCFind(query, model)) {
    if (rsp.identifier) found.push(rsp.identifier.string("ProductName") ?? "");
    else final = rsp.status;
  }
  console.log(`C-FIND: 0x${(final ?? 0xffff).toString(16).padStart(4, "0")}, product: ${found.join(", ")}`);
  if (final !== 0x0000 || found.join() !== "Contrast 350") failed = true;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  failed = true;
} finally {
  await assoc.release();
}
process.exit(failed ? 1 : 0);
