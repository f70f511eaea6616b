import Testing
@testable import FlatlineCore

@Suite struct SyslogParserTests {
  struct Parsed {
    var ok: Bool
    var h: SyslogHeader
    var host = ""
    var ident = ""
    var pid = ""
    var msg = ""
  }

  func parse(_ s: String) -> Parsed {
    Array(s.utf8).withBytes { b in
      var h = SyslogHeader()
      let ok = SyslogParser.parse(b, into: &h)
      return Parsed(ok: ok, h: h, host: h.host.string, ident: h.identifier.string, pid: h.pid.string,
        msg: h.message.string)
    }
  }

  /// The vector and word-at-a-time search for a header's separators agrees with a byte loop, at every offset and
  /// length: texts up to 80 bytes take several 16-byte steps, then 8-byte ones, then single bytes. Half the texts
  /// are mostly plain letters, so that a match often lies deep in a step or past the first.
  @Test func firstOfAgreesWithAByteLoop() {
    var rng = SplitMix(seed: 5)
    let alphabet: [UInt8] = Array("ab[: \t]\u{80}\u{ff}".utf8) + [0, 0x7f, 0x81]
    for round in 0..<4000 {
      let sparse = round % 2 == 0
      let text: [UInt8] = (0..<Int(rng.next() % 80)).map { _ in
        sparse && rng.next() % 12 != 0 ? 97 : alphabet[Int(rng.next() % UInt64(alphabet.count))]
      }
      let from = text.isEmpty ? 0 : Int(rng.next() % UInt64(text.count + 1))
      let to = from + Int(rng.next() % UInt64(text.count - from + 1))
      let wanted: [(UInt8, UInt8, UInt8, UInt8)] = [
        (32, 9, 91, 91), (32, 9, 9, 9), (91, 58, 32, 9), (93, 32, 9, 9), (0x80, 0, 0xff, 0x7f),
      ]
      let (a, b, c, d) = wanted[Int(rng.next() % UInt64(wanted.count))]
      var expected = to
      for i in from..<to where text[i] == a || text[i] == b || text[i] == c || text[i] == d {
        expected = i
        break
      }
      let got = text.withUnsafeBufferPointer { buf in
        buf.baseAddress.map { SyslogParser.firstOf($0, from, to, a, b, c, d) } ?? to
      }
      #expect(got == expected, "\(text) \(from)..<\(to) for \([a, b, c, d])")
    }
  }

  @Test func rfc3164WithHostAndPid() {
    let p = parse("Sep 28 06:33:47 raspberrypi systemd[1]: Started Session c1 of user pi.")
    #expect(p.ok && p.h.isDateless)
    #expect(p.h.month == 9 && p.h.day == 28 && p.h.hour == 6 && p.h.minute == 33 && p.h.second == 47)
    #expect(p.host == "raspberrypi" && p.ident == "systemd" && p.pid == "1")
    #expect(p.msg == "Started Session c1 of user pi.")
  }

  /// `journalctl` text dumps with a full stamp: `-o short-full` (and `with-unit`) and `-o short-unix`.
  @Test func journalctlShortFullAndShortUnix() {
    let utc = parse("Tue 2024-03-05 10:54:00 UTC db-03 CRON[43263]: (root) CMD (run-parts /etc/cron.hourly)")
    #expect(utc.ok && utc.h.time == CivilTime.micros(year: 2024, month: 3, day: 5, hour: 10, minute: 54, second: 0))
    #expect(utc.host == "db-03" && utc.ident == "CRON" && utc.pid == "43263" && utc.msg.hasPrefix("(root) CMD"))
    let cet = parse("Tue 2024-03-05 10:54:00.962997 CET db-03 cron.service[43263]: x")
    #expect(cet.h.time == CivilTime.micros(year: 2024, month: 3, day: 5, hour: 9, minute: 54, second: 0) + 962_997)
    #expect(cet.ident == "cron.service" && cet.h.unknownZoneLength == 0)
    let numeric = parse("Tue 2024-03-05 10:54:00 +0530 db-03 app: x")
    #expect(numeric.h.time == CivilTime.micros(year: 2024, month: 3, day: 5, hour: 5, minute: 24, second: 0))
    // An ambiguous zone name: local civil time, named for the reader's warning.
    let cstLine = "Tue 2024-03-05 10:54:00 CST db-03 app: x"
    let cst = parse(cstLine)
    let zoneName = Array(cstLine.utf8).withBytes { cst.h.unknownZone(in: $0).string }
    #expect(cst.ok && cst.h.time == Record.noTime && zoneName == "CST")
    #expect(cst.h.year == 2024 && cst.h.month == 3 && cst.h.day == 5 && cst.h.hour == 10)
    let unix = parse("1709636040.962997 db-03 CRON[43263]: (root) CMD (run-parts /etc/cron.hourly)")
    #expect(unix.ok && unix.h.time == 1_709_636_040_962_997 && unix.host == "db-03" && unix.ident == "CRON")
    // Not these stamps: a weekday without a date, epoch seconds with three decimals (Squid).
    #expect(!parse("Tue Mar  5 10:54:00 2024 something").ok)
    #expect(parse("1709636040.962    123 10.0.0.1 TCP_MISS/200 1234 GET http://example.com/ -").h.time == Record.noTime)
  }

  /// BusyBox syslogd (Alpine, embedded systems) writes `facility.level` between the host and the tag.
  @Test func busyBoxFacilityLevel() {
    let k = parse("Mar 10 00:00:01 alpine kern.notice kernel: Linux version 6.6.14-0-virt (buildozer@build-3-19)")
    #expect(k.ok && k.host == "alpine" && k.ident == "kernel" && k.h.isKernel)
    #expect(k.msg == "Linux version 6.6.14-0-virt (buildozer@build-3-19)")
    let d = parse("Mar 10 00:00:01 alpine syslog.info syslogd started: BusyBox v1.36.1")
    #expect(d.host == "alpine" && d.ident == "syslogd" && d.msg == "started: BusyBox v1.36.1")
    let a = parse("Mar 10 10:00:00 alpine authpriv.warning sshd[99]: Failed password for root")
    #expect(a.host == "alpine" && a.ident == "sshd" && a.pid == "99" && a.msg == "Failed password for root")
    // Not a facility or not a level: the token stays the tag.
    let x = parse("Mar 10 10:00:00 alpine app.started something")
    #expect(x.ident == "app.started" && x.msg == "something")
    let y = parse("Mar 10 10:00:00 alpine kern.notice")
    #expect(y.ok && y.host == "alpine")
  }

  /// BusyBox syslogd `-S`: no host, no `facility.level`, and the daemon's own lines have no `tag:`.
  @Test func busyBoxSmallOutput() {
    let d = parse("Mar 10 00:00:01 syslogd started: BusyBox v1.36.1")
    #expect(d.ok && d.host == "" && d.ident == "syslogd" && d.msg == "started: BusyBox v1.36.1")
    let x = parse("Mar 10 06:00:01 syslogd exiting")
    #expect(x.ok && x.host == "" && x.ident == "syslogd" && x.msg == "exiting")
    let k = parse("Mar 10 00:00:01 klogd started: BusyBox v1.36.1 (2024-01-26 10:21:19 UTC)")
    #expect(k.host == "" && k.ident == "klogd" && k.msg == "started: BusyBox v1.36.1 (2024-01-26 10:21:19 UTC)")
    let t = parse("Mar 10 00:00:02 kernel: [    0.000000] Linux version 6.6.14-0-virt")
    #expect(t.host == "" && t.ident == "kernel" && t.h.isKernel && t.msg == "Linux version 6.6.14-0-virt")
    // A host that happens to be named so, or other words after the name: host and tag as usual.
    let h = parse("Mar 10 00:00:01 syslogd syslogd[12]: started: BusyBox v1.36.1")
    #expect(h.host == "syslogd" && h.ident == "syslogd" && h.pid == "12")
    let e = parse("Mar 10 06:00:01 syslogd exiting now")
    #expect(e.host == "syslogd" && e.ident == "exiting")
    let s = parse("Mar 10 06:00:01 klogd exiting")
    #expect(s.host == "klogd" && s.ident == "exiting")
  }

  @Test func spacePaddedDayAndFraction() {
    let p = parse("Feb  6 15:16:30.125 victoria process[2085]: Test")
    #expect(p.ok && p.h.day == 6 && p.h.micro == 125_000 && p.host == "victoria" && p.ident == "process")
  }

  @Test func noHostWhenFirstTokenIsTag() {
    let p = parse("Nov 18 08:30:20 kernel: [997.390602] sda2: rw=0, want=65, limit=2")
    #expect(p.ok && p.host == "" && p.ident == "kernel" && p.h.isKernel)
    #expect(p.h.kernelUptime == 997_390_602 && p.msg == "sda2: rw=0, want=65, limit=2")
    let q = parse("Nov 18 08:30:20 cron[12]: x")
    #expect(q.host == "" && q.ident == "cron" && q.pid == "12")
  }

  @Test func kernelLines() {
    let p = parse("May 27 11:50:21 raspberrypi kernel: [    0.000000] Booting Linux on physical CPU 0x0")
    #expect(p.h.isKernel && p.h.kernelUptime == 0 && p.msg == "Booting Linux on physical CPU 0x0")
    let q = parse("May 27 11:50:21 raspberrypi kernel: Linux version 4.4.11")
    #expect(q.h.isKernel && q.h.kernelUptime == -1 && q.msg == "Linux version 4.4.11")
  }

  @Test func unusualTags() {
    #expect(parse("Jan  1 00:00:00 h rsyslogd-2007: action").ident == "rsyslogd-2007")
    #expect(parse("Jan  1 00:00:00 h polkitd(authority=local): Registered").ident == "polkitd(authority=local)")
    let a = parse("Dec 31 17:54:32 myhostname.myhost.com /sbin/anacron[1234]: Another one")
    #expect(a.ident == "/sbin/anacron" && a.pid == "1234" && a.msg == "Another one")
    let j = parse("Jan 22 07:54:32 myhostname.myhost.com Job `cron.daily' terminated")
    #expect(j.ok && j.host == "myhostname.myhost.com" && j.ident == "Job" && j.msg == "`cron.daily' terminated")
  }

  @Test func timeThenColonHasNoHost() {
    let p = parse("Nov 18 01:15:43: --- last message repeated 5 times ---")
    #expect(p.ok && p.host == "" && p.ident == "" && p.msg == "--- last message repeated 5 times ---")
  }

  @Test func rfc3339FileFormat() {
    let p = parse("2024-05-01T12:00:00.123456+02:00 host rsyslogd: [origin software=\"rsyslogd\"] start")
    #expect(p.ok && p.h.time == CivilTime.micros(year: 2024, month: 5, day: 1, hour: 10, minute: 0, second: 0,
      micro: 123_456))
    #expect(p.host == "host" && p.ident == "rsyslogd" && p.msg.hasSuffix("start"))
  }

  @Test func isoWithSeverity() {
    let p = parse("2016-10-25T12:37:23.297265-07:00 INFO periodic_scheduler[13707]: cleanup_logs: job completed")
    #expect(p.ok && p.host == "" && p.ident == "periodic_scheduler" && p.pid == "13707")
    #expect(p.msg == "cleanup_logs: job completed")
    let k = parse("2016-10-25T12:37:24.987014-07:00 DEBUG kernel: [  316.559919] wlan0: deauthenticating")
    #expect(k.h.isKernel && k.h.kernelUptime == 316_559_919 && k.msg == "wlan0: deauthenticating")
  }

  @Test func rfc5424() {
    let p = parse("<30>1 2021-03-06T04:07:38.263426+00:00 hostname systemd 1 - -  Stopping Regular daemon...")
    #expect(p.ok && p.h.priority == 30 && p.host == "hostname" && p.ident == "systemd" && p.pid == "1")
    #expect(p.msg == "Stopping Regular daemon...")
    let sd = parse("<165>1 2003-10-11T22:14:15.003Z mymachine evntslog - ID47 [exampleSDID@32473 iut=\"3\" "
      + "eventID=\"1011\"][x@1 a=\"b\\]\"] \u{FEFF}An application event")
    #expect(sd.ok && sd.host == "mymachine" && sd.ident == "evntslog" && sd.pid == "")
    #expect(sd.msg == "An application event")
    let dash = parse("<14>1 - - - - - -")
    #expect(dash.ok && dash.h.time == Record.noTime && dash.h.month == 0 && dash.host == "" && dash.msg == "")
  }

  @Test func priPrefixBeforeTraditionalAndRFC3339() {
    let p = parse("<78>Mar  6 04:07:23 hostname cron[18786]: (CRON) INFO (pidfile fd = 3)")
    #expect(p.ok && p.h.priority == 78 && p.h.month == 3 && p.host == "hostname" && p.ident == "cron")
    let q = parse("<15>2021-03-06T04:07:33.194677+00:00 hostname log_tag this is debug")
    #expect(q.ok && q.host == "hostname" && q.ident == "log_tag" && q.msg == "this is debug")
  }

  @Test func gluedForwardFormatRecords() {
    let line = "<15>2021-03-06T04:07:33.194677+00:00 h t one<14>2021-03-06T04:07:33.196352+00:00 h t two"
    Array(line.utf8).withBytes { b in
      #expect(SyslogParser.nextGluedRecord(b, from: 10) == 44)
    }
  }

  @Test func rejectsGarbage() {
    #expect(!parse("MMM 22 07:54:32 myhostname.myhost.com anacron[29782]: Normal exit").ok)
    #expect(!parse("with another line").ok)
    #expect(!parse("Jan 32 00:00:00 host x: y").ok)
    #expect(!parse("Jan  1 25:00:00 host x: y").ok)
    #expect(!parse("").ok)
    #expect(!parse("<999>junk").ok)
  }

  /// A line whose 16-byte stamp equals the line before's is read without parsing the stamp again (`SyslogStamp`):
  /// every record is what the same line gives read alone, with or without a stamp shared before it.
  @Test func sharedStampGivesWhatTheLineGivesAlone() {
    let lines = [
      "Mar  1 10:00:00 web-01 sshd[42]: Accepted publickey for deploy",
      "Mar  1 10:00:00 web-02 kernel: [   12.345678] EXT4-fs (sda1): recovery complete",
      "Mar  1 10:00:00 web-01 CRON[7]: (root) CMD (true)",
      "  the cron line, continued",
      "Mar  1 10:00:00 systemd: a first word ending in a colon is the tag",
      "Mar  1 10:00:00 db-01 postgres[1234567890123]: a pid too long",
      "Mar  1 10:00:00 db-01 kernel: a kernel line without uptime",
      "Mar  1 10:00:00 db-01 kernelx: not the kernel",
      "Mar  1 10:00:00.250 db-01 app: a fraction",
      "Mar  1 10:00:00.250 db-01 app: the same fraction",
      "Mar  1 10:00:00 db-01 app[x1]: a pid that is not a number",
      "Mar 12 10:00:01 db-01 app: a two-digit day",
      "Mar 12 10:00:01 db-01 app: again",
      "Mar 12 10:00:01 host-only",
      "Mar 12 10:00:01   spaced-host   tag: spaces around the host",
      "Mar 12 10:00:01 h kernel",
      "Mar 12 10:00:01: no host, no tag",
      "Mar 12 10:00:01 db-01 app: after the odd ones",
    ]
    let dir = SyslogTestFiles.tempDir()
    let all = dir + "/all.log"
    SyslogTestFiles.write(all, lines.joined(separator: "\n") + "\n")
    let options = IngestOptions(year: 2024, timeZone: "Europe/Berlin")
    let (sink, _) = SyslogTestFiles.stream([all], options: options)
    #expect(sink.records.count == lines.count)
    var compared = 0
    for (k, line) in lines.enumerated() where !line.hasPrefix(" ") {
      let one = dir + "/line\(k).log"
      SyslogTestFiles.write(one, line + "\n")
      let (alone, _) = SyslogTestFiles.stream([one], options: options)
      guard let expected = alone.records.first, let got = sink.records.first(where: { $0.line == k + 1 }) else {
        Issue.record("line \(k + 1) gave no record")
        continue
      }
      #expect(got.time == expected.time, "line \(k + 1)")
      #expect(got.host == expected.host, "line \(k + 1)")
      #expect(got.identifier == expected.identifier, "line \(k + 1)")
      #expect(got.pid == expected.pid, "line \(k + 1)")
      #expect(got.message == expected.message, "line \(k + 1)")
      #expect(got.kernelUptime == expected.kernelUptime, "line \(k + 1)")
      #expect(got.isKernel == expected.isKernel, "line \(k + 1)")
      compared += 1
    }
    #expect(compared == lines.count - 1)
    // The checks above can fail: the stamp and the fields after it are both read.
    let kernel = sink.records.first { $0.line == 2 }
    #expect(kernel?.isKernel == true && kernel?.kernelUptime == 12_345_678 && kernel?.host == "web-02")
    #expect(sink.records.first { $0.line == 1 }?.pid == 42)
    #expect(sink.records.first { $0.line == 13 }?.message == "again")
  }

  @Test func invalidUTF8NeverCrashes() {
    var bytes = Array("Jan  1 00:00:00 h\u{FF}st t\u{FE}g[1]: ".utf8)
    bytes += [0xFF, 0xFE, 0xC3, 0x28, 0xE2, 0x82]
    bytes.withBytes { b in
      var h = SyslogHeader()
      #expect(SyslogParser.parse(b, into: &h))
      #expect(h.message.count == 6)
    }
    let raw: [UInt8] = [0xFF, 0x80, 0x3C, 0x31, 0x3E, 0xC0]
    for n in 0...raw.count {
      Array(raw[0..<n]).withBytes { b in
        var h = SyslogHeader()
        _ = SyslogParser.parse(b, into: &h)
      }
    }
  }
}
