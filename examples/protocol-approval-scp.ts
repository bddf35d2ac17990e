// Protocol Approval Query/Retrieve SCP (PS3.4 II): answers C-FIND on the Protocol Approval
// Information Model - FIND from an in-memory list of Protocol Approval instances, one response
// per matching instance (II.6.1.1), with the Worklist search method (II.4.1). The keys are those
// of Table II.6-1: SOP Class/Instance UID, Instance Creation Date/Time, and the Approval Subject
// Sequence, whose Referenced SOP Instance UID finds the approvals of one protocol.
//   npx tsx examples/protocol-approval-scp.ts PORT
import { AE, buildResponse, Dataset, Event, matches, protocolApprovalPresentationContexts, sop } from "netdicom";

const port = Number(process.argv[2] ?? 11112);
const protocols = { chest: "1.2.826.0.1.3680043.10.9.1", head: "1.2.826.0.1.3680043.10.9.2" };
// PS3.3 C.34.15: an approval is an Assertion whose code says what it asserts (CID 800); these two
// need the Institution Code Sequence of the institution concerned.
const approved = {
  CodeValue: "128603",
  CodingSchemeDesignator: "DCM",
  CodeMeaning: "Approved for use at the institution",
};
const disapproved = {
  CodeValue: "128623",
  CodingSchemeDesignator: "DCM",
  CodeMeaning: "Disapproved for use at the institution",
};
const institution = { CodeValue: "RAD-1", CodingSchemeDesignator: "L", CodeMeaning: "Radiology, main campus" };

function approval(n: number, date: string, subjects: readonly string[], code: typeof approved): Dataset {
  return new Dataset({
    SOPClassUID: sop.ProtocolApprovalStorage,
    SOPInstanceUID: `1.2.826.0.1.3680043.10.9.100.${n}`,
    InstanceCreationDate: date,
    InstanceCreationTime: "090000",
    ApprovalSubjectSequence: subjects.map((uid) => ({
      ReferencedSOPClassUID: sop.CTDefinedProcedureProtocolStorage,
      ReferencedSOPInstanceUID: uid,
    })),
    ApprovalSequence: [
      {
        AssertionCodeSequence: [code],
        AssertionUID: `1.2.826.0.1.3680043.10.9.200.${n}`,
        AssertionDateTime: `${date}090000`,
        InstitutionCodeSequence: [institution],
      },
    ],
  });
}

const approvals = [
  approval(1, "20240110", [protocols.chest], approved),
  approval(2, "20240201", [protocols.head], disapproved),
  approval(3, "20240305", [protocols.head, protocols.chest], approved),
];

const ae = new AE({ aeTitle: "APPROVAL_SCP" });
for (const cx of protocolApprovalPresentationContexts()) ae.addSupportedContext(cx.abstractSyntax ?? "");
const server = await ae.startServer({
  port,
  handlers: {
    [Event.C_FIND]: async function* (event) {
      const query = event.identifier();
      // PS3.4 C.2.2.2.6: an item of the Approval Subject Sequence key matches any item of the instance's.
      for (const a of approvals) if (matches(query, a)) yield buildResponse(query, a);
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
