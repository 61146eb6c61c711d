import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { profileExtract } from '../../src/actions/profile-extract.js';

// Debian 12's usr.bin.man, shortened: three top-level profiles and the tunables
const MAN = `# Author: Kees Cook <kees@ubuntu.com>

#include <tunables/global>

/usr/bin/man {
  #include <abstractions/base>
  /usr/bin/man mr,
  /usr/bin/nroff rix,
  /usr/bin/groff px -> man_groff,
  include if exists <local/usr.bin.man>
}

profile man_groff {
  #include <abstractions/base>
  /usr/bin/groff mr,
}

profile man_filter {
  #include <abstractions/base>
  /usr/bin/preconv mr,
  ^hat {
    /tmp/** r,
  }
}
`;

describe('the text that loads one profile of a file that declares several', () => {
  it('the first profile: the preamble and its block, nothing after', () => {
    const x = profileExtract(MAN, '/usr/bin/man', '/etc/apparmor.d/usr.bin.man');
    assert.ok(x.ok);
    assert.equal(x.text, `${MAN.split('\n').slice(0, 11).join('\n')}\n`);
    assert.equal(x.kept, 'lines 1-11 of /etc/apparmor.d/usr.bin.man');
    assert.deepEqual(x.left, []);
  });
  it("a later profile: the others before it blanked, its line numbers the file's own, its hats kept", () => {
    const x = profileExtract(MAN, 'man_filter', '/etc/apparmor.d/usr.bin.man');
    assert.ok(x.ok);
    const lines = x.text.split('\n');
    const file = MAN.split('\n');
    assert.equal(lines.length, file.length);
    for (let i = 0; i < file.length; i++) assert.equal(lines[i], i >= 4 && i <= 16 ? '' : file[i], `line ${i + 1}`);
    assert.equal(x.kept, 'lines 1-24 of /etc/apparmor.d/usr.bin.man, without /usr/bin/man (lines 5-11), man_groff (lines 13-16)');
    assert.deepEqual(x.left, ['/usr/bin/man', 'man_groff']);
  });
  it('abi rules and variables before the profile stay', () => {
    const text = `abi <abi/4.0>,\ninclude <tunables/global>\n@{exec_path} = /usr/bin/transmission-daemon\nprofile transmission-daemon @{exec_path} {\n  /srv/** r,\n}\nprofile transmission-cli /usr/bin/transmission-cli {\n}\n`;
    const x = profileExtract(text, 'transmission-cli', '/t');
    assert.ok(x.ok);
    assert.equal(x.text, `abi <abi/4.0>,\ninclude <tunables/global>\n@{exec_path} = /usr/bin/transmission-daemon\n\n\n\nprofile transmission-cli /usr/bin/transmission-cli {\n}\n`);
  });
  it('refused when the file outside its profiles could declare more, or the profile is not a top-level block', () => {
    const no = (text: string, name: string, why: RegExp) => {
      const x = profileExtract(text, name, '/f');
      assert.ok(!x.ok, name);
      assert.match(x.reason, why);
    };
    no(`include <abstractions/others>\nprofile a {\n}\nprofile b {\n}\n`, 'b', /includes <abstractions\/others> outside its profiles/);
    no(`include "other-file"\nprofile a {\n}\n`, 'a', /includes "other-file"/);
    no(`$ON = true\nif $ON {\n  profile a {\n  }\n}\nprofile b {\n}\n`, 'b', /a block outside its profiles/);
    no(`profile a {\n  profile inner {\n  }\n}\n`, 'inner', /not a top-level profile block/);
    no(`profile a {\n  /x r,\nprofile b {\n}\n`, 'b', /does not read cleanly/);
  });
});
