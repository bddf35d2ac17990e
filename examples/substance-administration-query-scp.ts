// Substance Administration Query SCP (PS3.4 V): answers Product Characteristics Query C-FINDs
// from a tiny product catalogue, matching on Product Package Identifier.
//   npx tsx examples/substance-administration-query-scp.ts PORT
import { AE, Dataset, Event, substanceAdministrationPresentationContexts } from "netdicom";

const port = Number(process.argv[2] ?? 11112);
const products = [
  { ProductPackageIdentifier: "0001-0001", ProductName: "Contrast 300", ProductDescription: "iodinated, 300 mg/mL" },
  { ProductPackageIdentifier: "0001-0002", ProductName: "Contrast 350", ProductDescription: "iodinated, 350 mg/mL" },
];
const ae = new AE({ aeTitle: "SAQ_SCP" });
for (const cx of substanceAdministrationPresentationContexts()) ae.addSupportedContext(cx.abstractSyntax ?? "");
const server = await ae.startServer({
  port,
  handlers: {
    [Event.C_FIND]: async function* (event) {
      const id = event.identifier().string("ProductPackageIdentifier") ?? "";
      for (const p of products) if (id === "" || p.ProductPackageIdentifier === id) yield new Dataset(p);
    },
  },
});
console.log(`listening on ${server.port}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.shutdown({ deadlineMs: 2000 }).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
