// qrscp's configuration: pynetdicom's default.ini (and its newer keys) parse to the right
// settings; relative locations resolve against the file's folder; bad files are refused clearly.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  configFromFile,
  DEFAULT_CONFIG_TEXT,
  IniSyntaxError,
  parseIni,
  parseQrscpConfig,
} from "../../../src/apps/qrscp/config.js";

// pynetdicom's apps/qrscp/default.ini, as it ships (settings only; its comments paraphrased).
const PYNETDICOM_DEFAULT_INI = `# Default configuration file for qrscp.py

## Application settings
[DEFAULT]
    # Our AE Title
    ae_title: QRSCP
    # Our listen port
    port: 11112
    # Our maximum PDU size; 0 for unlimited
    max_pdu: 16382
    # Where received SOP Instances are stored
    instance_location: instances
    # Location of the sqlite3 database
    database_location: instances.sqlite
    # Log C-FIND, C-GET and C-MOVE Identifier datasets
    log_identifier: True


## Move Destinations
# The AE title of the move destination, as ASCII
[STORESCP]
    address: localhost
    port: 11113
`;

test("pynetdicom's default.ini parses to its settings", () => {
  const c = configFromFile(PYNETDICOM_DEFAULT_INI, "/etc/qrscp/default.ini");
  assert.equal(c.aeTitle, "QRSCP");
  assert.equal(c.port, 11112);
  assert.equal(c.maximumPduSize, 16382);
  assert.equal(c.instanceLocation, "/etc/qrscp/instances");
  assert.equal(c.databaseLocation, "/etc/qrscp/instances.sqlite");
  assert.deepEqual([...c.moveDestinations], [["STORESCP", { address: "localhost", port: 11113 }]]);
});

test("the newer keys: bind address, timeouts, maximum_pdu_size, maximum_associations, a postgres URL", () => {
  const c = parseQrscpConfig(
    `[DEFAULT]
ae_title = ARCHIVE
port = 104
bind_address = 127.0.0.1
acse_timeout = 5
dimse_timeout = 0
network_timeout = 120
maximum_pdu_size = 0
maximum_associations = 3
database_location = postgresql://qr@db.example/pacs
instance_location = /srv/dicom

[VIEWER]
address = 10.0.0.5
port = 4006
[WORKSTATION]
address: ws.local
port: 11113
`,
    "/anywhere",
  );
  assert.equal(c.aeTitle, "ARCHIVE");
  assert.equal(c.port, 104);
  assert.equal(c.bindAddress, "127.0.0.1");
  assert.equal(c.acseTimeout, 5);
  assert.equal(c.dimseTimeout, 0);
  assert.equal(c.networkTimeout, 120);
  assert.equal(c.maximumPduSize, 0);
  assert.equal(c.maximumAssociations, 3);
  assert.equal(c.databaseLocation, "postgresql://qr@db.example/pacs");
  assert.equal(c.instanceLocation, "/srv/dicom");
  assert.deepEqual(c.moveDestinations.get("VIEWER"), { address: "10.0.0.5", port: 4006 });
  assert.deepEqual(c.moveDestinations.get("WORKSTATION"), { address: "ws.local", port: 11113 });
});

test("the embedded default stores under ./qrscp-data and knows STORESCP", () => {
  const c = parseQrscpConfig(DEFAULT_CONFIG_TEXT, "/home/me");
  assert.equal(c.port, 11112);
  assert.equal(c.instanceLocation, "/home/me/qrscp-data/instances");
  assert.equal(c.databaseLocation, "/home/me/qrscp-data/instances.sqlite");
  assert.equal(c.moveDestinations.get("STORESCP")?.port, 11113);
});

test("INI details: comments, case-insensitive keys, continuation lines, repeated sections merge", () => {
  const ini = parseIni("; a comment\n[A]\nKey: one\n  two\n# another\n[A]\nother = 3\n");
  assert.deepEqual(
    [...(ini.get("A") ?? [])],
    [
      ["key", "one\ntwo"],
      ["other", "3"],
    ],
  );
});

test("bad files are refused with the line or key named", () => {
  assert.throws(
    () => parseIni("key: value\n"),
    (e: unknown) => e instanceof IniSyntaxError && e.line === 1,
  );
  assert.throws(() => parseIni("[A]\njust words\n"), /line 2/);
  assert.throws(() => parseQrscpConfig("[DEFAULT]\nport: 70000\n", "/"), /port must be a number from 0 to 65535/);
  assert.throws(() => parseQrscpConfig("[DEFAULT]\n[X]\nport: 1\n", "/"), /\[X\] has no address/);
});
