import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One rule that fired on a record, with the named captures of its regular expression.
public struct RuleMatch: Sendable {
  /// Index of the rule in `RuleMatcher.rules`.
  public var ruleIndex: Int
  public var rule: Rule
  public var captures: [String: String]
}

/// Matches records against many rules at once. Built once from `[Rule]`; not thread-safe (it keeps scratch
/// buffers), use one per thread.
///
/// How (cost does not grow with the number of rules):
/// 1. **Dispatch on the source.** The set of rules whose filter passes depends only on (identifier, unit,
///    native log kind, kernel flag). That set is computed once per distinct source and cached in a small hash
///    table keyed by those bytes, so a record from a program no rule cares about (most syslog lines) costs a
///    hash and a lookup and is done. Short identifiers without unit (syslog) try a direct-mapped memo first.
/// 2. **A skip-scan prefilter, then one pass over the message for all anchors.** Each group has a Wu–Manber
///    prefilter (`LiteralPrefilter`) over the longest anchor of each of its rules: most messages contain none of
///    them and are done after looking at a fraction of their bytes. Otherwise:
///    **one pass over the message for all anchors.** Each distinct rule set ("group") has one Aho–Corasick
///    automaton over the anchors of its rules (a DFA over byte classes, built when the prefilter first finds one
///    of them). One scan marks
///    which anchors occur (generation stamps, no clearing); a rule is a candidate when all of its anchors were
///    seen. Aho–Corasick was chosen over per-rule memmem because the latter is linear in the number of rules
///    in a group (10× the built-in rules would cost 10× the scanning), while the automaton's per-byte cost is
///    constant; it was chosen over a rare-anchor-per-rule memmem because user rules can share common anchors.
/// 3. **Regular expressions only on candidates** (NSRegularExpression); only then is the message decoded into
///    a `String`.
/// Nothing allocates for a record that matches no rule (after a source is first seen).
public final class RuleMatcher {
  public let rules: [Rule]
  /// Compiled regular expressions, per rule (nil: no regex, or one that does not compile — such a rule
  /// never fires; `RuleLoader` reports it as an error). Compiled when the rule is first a candidate
  /// (`regexTried`): most rules never are, and a matcher is built per thread and per chunk.
  private var regexes: [NSRegularExpression?]
  private var regexTried: [Bool]
  private let captureNames: [[String]]

  /// Rule ids whose regex does not compile (compiles every regex not tried yet).
  public var invalidRegexRuleIDs: [String] {
    rules.indices.filter { rules[$0].regex != nil && regex(for: $0) == nil }.map { rules[$0].id }
  }

  /// The compiled regex of rule `index`, compiled on first use (nil: none, or it does not compile).
  private func regex(for index: Int) -> NSRegularExpression? {
    if !regexTried[index] {
      regexTried[index] = true
      if let p = rules[index].regex { regexes[index] = try? NSRegularExpression(pattern: p, options: []) }
    }
    return regexes[index]
  }

  private final class Group {
    let rules: [Int32]
    /// Built when the prefilter first finds an anchor (`patterns` until then): with many user rules a group's
    /// automaton costs millions of instructions to build, and on most sources the prefilter never fires.
    var automaton: AhoCorasick?
    var patterns: [[UInt8]] = []
    /// True when the group's rules have anchors (an automaton, built or not).
    var hasAnchors = false
    /// Over each rule's longest anchor: when none occurs, no rule of the group can fire (skip the automaton).
    var prefilter: LiteralPrefilter? {
      didSet { prefilterRef = prefilter.map { Unmanaged.passUnretained($0) } }
    }
    /// `prefilter`, unretained (no retain/release pair per record).
    private(set) var prefilterRef: Unmanaged<LiteralPrefilter>?
    /// Per rule of the group (same order): its anchors as pattern ids of the automaton.
    var ruleAnchors: [[Int32]] = []
    /// Per pattern id: group-local rule positions that have it as their first anchor.
    var triggers: [[Int32]] = []
    /// Group-local positions of rules without anchors (always candidates).
    var always: [Int32] = []
    var built = false

    init(rules: [Int32]) { self.rules = rules }
  }

  private var groups: [Group] = []
  /// The same groups, unretained (kept alive by `groups`): no retain/release pair per record.
  private var groupRefs: [Unmanaged<Group>] = []
  private var groupByRules: [[Int32]: Int32] = [:]

  /// Source dispatch cache: open addressing on a hash of (identifier, unit, log kind id, kernel flag).
  /// Slot `k` holds an entry index + 1 (0 = empty); an entry is `entryFields` Int32s: identifier start and
  /// length in `keyBytes`, unit start and length, log kind id, kernel flag, group. No ARC, no Dictionary hashing.
  /// Slots (a power of two, at most 2 × `cacheLimit`): starts small and doubles, since `RuleLoader` builds a
  /// matcher per rule to check its examples.
  private var slotCount = 64
  private static let entryFields = 7
  private var slots: UnsafeMutablePointer<Int32>
  private var slotHashes: UnsafeMutablePointer<UInt64>
  private var entries: UnsafeMutablePointer<Int32>
  private var keyBytes: UnsafeMutablePointer<UInt8>
  private var keyBytesCount = 0
  private var keyBytesCapacity: Int
  private var cacheCount = 0
  private static let cacheLimit = 4096
  /// Native log kinds by id (`logKindID`); id -1 is "none".
  private var logKindIDs: [String: Int32] = [:]
  private var logKindNames: [String] = []

  // Scratch, reused for every record.
  private var seen: [UInt32] = []
  private var generation: UInt32 = 0
  private var candidates: [Int32] = []

  public convenience init(rules: [Rule]) {
    self.init(rules: rules, recentSlots: 256)
  }

  init(rules: [Rule], recentSlots: Int) {
    precondition(recentSlots > 0 && recentSlots & (recentSlots - 1) == 0)
    self.recentSlots = recentSlots
    self.rules = rules
    regexes = Array(repeating: nil, count: rules.count)
    regexTried = Array(repeating: false, count: rules.count)
    captureNames = rules.map(\.captureNames)
    candidates.reserveCapacity(rules.count)
    slots = .allocate(capacity: slotCount)
    slots.initialize(repeating: 0, count: slotCount)
    slotHashes = .allocate(capacity: slotCount)
    slotHashes.initialize(repeating: 0, count: slotCount)
    entries = .allocate(capacity: slotCount / 2 * Self.entryFields)
    keyBytesCapacity = 256
    keyBytes = .allocate(capacity: 256)
  }

  deinit {
    recent?.deallocate()
    slots.deallocate()
    slotHashes.deallocate()
    entries.deallocate()
    keyBytes.deallocate()
  }

  /// A small integer for a native log kind (nil → -1), for `forEachMatch(identifier:unit:isKernel:logKindID:…)`.
  public func logKindID(_ logKind: String?) -> Int32 {
    guard let logKind else { return -1 }
    if let id = logKindIDs[logKind] { return id }
    let id = Int32(logKindNames.count)
    logKindNames.append(logKind)
    logKindIDs[logKind] = id
    return id
  }

  /// The rules that fire on `record`. `logKind` is the record's input's native log kind
  /// (`InputInfo.component`), nil for syslog and journal inputs. Returns an empty array (no allocation) when
  /// nothing fires.
  public func match(_ record: Record, logKind: String?) -> [RuleMatch] {
    var result: [RuleMatch] = []
    forEachMatch(identifier: record.identifier, unit: record.unit, isKernel: record.isKernel, logKind: logKind,
      message: record.message)
    { index, captures in
      result.append(RuleMatch(ruleIndex: index, rule: rules[index], captures: captures))
    }
    return result
  }

  /// Calls `body(ruleIndex, captures)` for each rule that fires, in rule order.
  public func forEachMatch(
    identifier: Bytes, unit: Bytes, isKernel: Bool, logKind: String?, message: Bytes,
    _ body: (Int, [String: String]) -> Void
  ) {
    forEachMatch(
      identifier: identifier, unit: unit, isKernel: isKernel, logKindID: logKindID(logKind), message: message, body)
  }

  /// Same, with the native log kind given by `logKindID(_:)` (the per-record path: no String compare).
  public func forEachMatch(
    identifier: Bytes, unit: Bytes, isKernel: Bool, logKindID: Int32, message: Bytes,
    _ body: (Int, [String: String]) -> Void
  ) {
    guard
      let c = candidate(
        identifier: identifier, unit: unit, isKernel: isKernel, logKindID: logKindID, message: message)
    else { return }
    forEachMatch(c, message: message, body)
  }

  /// A record that some rule may fire on: its source's group of rules, and whether the group's prefilter found an
  /// anchor in the message (`scan`).
  struct Candidate {
    let group: Int32
    let scan: Bool
  }

  /// The first half of `forEachMatch`: nil when no rule can fire on this message (no rule for the source, or no
  /// anchor in it). Most records stop here, before any closure or array is made for them.
  func candidate(identifier: Bytes, unit: Bytes, isKernel: Bool, logKindID: Int32, message: Bytes) -> Candidate? {
    let gi = group(identifier: identifier, unit: unit, isKernel: isKernel, logKindID: logKindID)
    guard gi >= 0 else { return nil }
    return groupRefs[Int(gi)]._withUnsafeGuaranteedRef { grp -> Candidate? in
      guard !message.isEmpty || !grp.always.isEmpty else { return nil }
      if !grp.built { build(grp) }
      var scan = false
      if grp.hasAnchors, !message.isEmpty {
        if let prefilter = grp.prefilterRef {
          scan = prefilter._withUnsafeGuaranteedRef { $0.occursIn(message) }
        } else {
          scan = true
        }
        if !scan && grp.always.isEmpty { return nil }
      }
      return Candidate(group: gi, scan: scan)
    }
  }

  /// The second half of `forEachMatch`: calls `body` for each rule of `c`'s group that fires on `message`.
  func forEachMatch(_ c: Candidate, message: Bytes, _ body: (Int, [String: String]) -> Void) {
    groupRefs[Int(c.group)]._withUnsafeGuaranteedRef { forEachMatch(in: $0, scan: c.scan, message: message, body) }
  }

  private func forEachMatch(in grp: Group, scan: Bool, message: Bytes, _ body: (Int, [String: String]) -> Void) {
    candidates.removeAll(keepingCapacity: true)
    generation &+= 1
    if generation == 0 {  // wrapped: clear stamps once every 4 billion records
      for i in seen.indices { seen[i] = 0 }
      generation = 1
    }
    let gen = generation
    if scan, grp.hasAnchors, grp.automaton == nil {
      grp.automaton = AhoCorasick(patterns: grp.patterns)
      grp.patterns = []
    }
    if scan, let ac = grp.automaton {
      seen.withUnsafeMutableBufferPointer { seenBuf in
        grp.triggers.withUnsafeBufferPointer { trig in
          ac.scan(message) { pid in
            let p = Int(pid)
            if seenBuf[p] != gen {
              seenBuf[p] = gen
              for r in trig[p] { candidates.append(r) }
            }
          }
        }
      }
    }
    candidates.append(contentsOf: grp.always)
    guard !candidates.isEmpty else { return }
    if candidates.count > 1 { candidates.sort() }
    var text: String?
    var nsText: NSString?
    for local in candidates {
      let anchors = grp.ruleAnchors[Int(local)]
      var all = true
      for a in anchors where seen[Int(a)] != gen {
        all = false
        break
      }
      guard all else { continue }
      let index = Int(grp.rules[Int(local)])
      guard let re = regex(for: index) else {
        if rules[index].regex == nil { body(index, [:]) }
        continue
      }
      if text == nil {
        text = message.string
        nsText = text! as NSString
      }
      let ns = nsText!
      guard let m = re.firstMatch(in: text!, options: [], range: NSRange(location: 0, length: ns.length)) else {
        continue
      }
      var caps: [String: String] = [:]
      for name in captureNames[index] {
        let r = m.range(withName: name)
        if r.location != NSNotFound { caps[name] = ns.substring(with: r) }
      }
      body(index, caps)
    }
  }

  // MARK: - Source dispatch

  /// One entry of `recent`: a short identifier's words (`Bytes.shortKey`), its length with the kernel flag and the
  /// log kind id (`tag`), and its group.
  private struct RecentSource {
    var w0: UInt64
    var w1: UInt64
    var tag: UInt64
    var group: Int32
  }
  /// Direct-mapped memo in front of the dispatch table, for records without a unit and an identifier of at most
  /// 16 bytes (syslog lines): two word compares instead of hashing the bytes and probing. Allocated once the
  /// matcher has dispatched `recentAfter` records (`RuleLoader` builds a matcher per rule to check its examples).
  private var recent: UnsafeMutablePointer<RecentSource>?
  private var dispatched = 0
  /// Slots of `recent` (a power of two; tests use 1 so that every source shares the slot).
  private let recentSlots: Int
  private static let recentAfter = 256

  @inline(__always)
  private func group(identifier: Bytes, unit: Bytes, isKernel: Bool, logKindID: Int32) -> Int32 {
    guard unit.isEmpty, let (w0, w1) = identifier.shortKey else {
      return lookupGroup(identifier: identifier, unit: unit, isKernel: isKernel, logKindID: logKindID)
    }
    guard let recent else {
      countBeforeMemo()
      return lookupGroup(identifier: identifier, unit: unit, isKernel: isKernel, logKindID: logKindID)
    }
    let tag = UInt64(identifier.count) | (isKernel ? 0x100 : 0) | UInt64(UInt32(bitPattern: logKindID)) << 32
    let h = ((w0 &* 0x9E37_79B9_7F4A_7C15) ^ w1 ^ tag) &* 0xFF51_AFD7_ED55_8CCD
    let e = recent + (Int(truncatingIfNeeded: h >> 40) & (recentSlots - 1))
    if e.pointee.w0 == w0 && e.pointee.w1 == w1 && e.pointee.tag == tag { return e.pointee.group }
    let g = lookupGroup(identifier: identifier, unit: unit, isKernel: isKernel, logKindID: logKindID)
    e.pointee = RecentSource(w0: w0, w1: w1, tag: tag, group: g)
    return g
  }

  /// Counts a dispatch made before `recent` exists, and makes it after `recentAfter` of them.
  @inline(never)
  private func countBeforeMemo() {
    dispatched += 1
    guard dispatched >= Self.recentAfter else { return }
    let r = UnsafeMutablePointer<RecentSource>.allocate(capacity: recentSlots)
    // A tag no key has (lengths are at most 16): every slot starts empty.
    r.initialize(repeating: RecentSource(w0: 0, w1: 0, tag: .max, group: -1), count: recentSlots)
    recent = r
  }

  @inline(never)
  private func lookupGroup(identifier: Bytes, unit: Bytes, isKernel: Bool, logKindID: Int32) -> Int32 {
    var h = unit.hash(seed: identifier.hash(seed: UInt64(UInt32(bitPattern: logKindID)) << 1 | (isKernel ? 1 : 0)))
    if h == 0 { h = 1 }
    var mask = slotCount - 1
    var k = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
    while true {
      let e = Int(slots[k])
      if e == 0 { break }
      if slotHashes[k] == h {
        let f = entries + (e - 1) * Self.entryFields
        if Int(f[1]) == identifier.count && Int(f[3]) == unit.count && f[4] == logKindID && (f[5] != 0) == isKernel
          && (identifier.count == 0 || Bytes.same(keyBytes + Int(f[0]), identifier.base!, identifier.count))
          && (unit.count == 0 || Bytes.same(keyBytes + Int(f[2]), unit.base!, unit.count))
        {
          return f[6]
        }
      }
      k = (k + 1) & mask
    }
    let logKind = logKindID >= 0 && Int(logKindID) < logKindNames.count ? logKindNames[Int(logKindID)] : nil
    var list: [Int32] = []
    for (i, r) in rules.enumerated()
    where r.filter.passes(identifier: identifier, unit: unit, isKernel: isKernel, logKind: logKind) {
      list.append(Int32(i))
    }
    let g: Int32
    if list.isEmpty {
      g = -1
    } else if let existing = groupByRules[list] {
      g = existing
    } else {
      g = Int32(groups.count)
      let group = Group(rules: list)
      groups.append(group)
      groupRefs.append(Unmanaged.passUnretained(group))
      groupByRules[list] = g
    }
    if cacheCount < RuleMatcher.cacheLimit {
      if (cacheCount + 1) * 2 > slotCount {
        growDispatchTable()
        mask = slotCount - 1
        k = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while slots[k] != 0 { k = (k + 1) & mask }
      }
      let need = keyBytesCount + identifier.count + unit.count
      if need > keyBytesCapacity {
        let cap = max(need, keyBytesCapacity * 2)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: cap)
        bigger.update(from: keyBytes, count: keyBytesCount)
        keyBytes.deallocate()
        keyBytes = bigger
        keyBytesCapacity = cap
      }
      let f = entries + cacheCount * Self.entryFields
      f[0] = Int32(keyBytesCount)
      f[1] = Int32(identifier.count)
      if let p = identifier.base { (keyBytes + keyBytesCount).update(from: p, count: identifier.count) }
      keyBytesCount += identifier.count
      f[2] = Int32(keyBytesCount)
      f[3] = Int32(unit.count)
      if let p = unit.base { (keyBytes + keyBytesCount).update(from: p, count: unit.count) }
      keyBytesCount += unit.count
      f[4] = logKindID
      f[5] = isKernel ? 1 : 0
      f[6] = g
      cacheCount += 1
      slots[k] = Int32(cacheCount)
      slotHashes[k] = h
    }
    return g
  }

  /// Doubles the dispatch table and re-inserts the entries (their hashes are kept in `slotHashes`).
  private func growDispatchTable() {
    let oldCount = slotCount
    let oldSlots = slots
    let oldHashes = slotHashes
    slotCount = oldCount * 2
    slots = .allocate(capacity: slotCount)
    slots.initialize(repeating: 0, count: slotCount)
    slotHashes = .allocate(capacity: slotCount)
    slotHashes.initialize(repeating: 0, count: slotCount)
    let mask = slotCount - 1
    for j in 0..<oldCount where oldSlots[j] != 0 {
      let h = oldHashes[j]
      var k = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
      while slots[k] != 0 { k = (k + 1) & mask }
      slots[k] = oldSlots[j]
      slotHashes[k] = h
    }
    oldSlots.deallocate()
    oldHashes.deallocate()
    let bigger = UnsafeMutablePointer<Int32>.allocate(capacity: slotCount / 2 * Self.entryFields)
    bigger.update(from: entries, count: cacheCount * Self.entryFields)
    entries.deallocate()
    entries = bigger
  }

  private func build(_ grp: Group) {
    var patternIDs: [String: Int32] = [:]
    var patterns: [[UInt8]] = []
    var ruleAnchors: [[Int32]] = []
    var always: [Int32] = []
    var longest: [[UInt8]] = []
    var longestSeen = Set<Int32>()  // pattern ids: one per distinct anchor (hashing the bytes cost more)
    for (local, index) in grp.rules.enumerated() {
      var ids: [Int32] = []
      for a in rules[Int(index)].anchors where !a.isEmpty {
        if let id = patternIDs[a] {
          if !ids.contains(id) { ids.append(id) }
        } else {
          let id = Int32(patterns.count)
          patternIDs[a] = id
          patterns.append(Array(a.utf8))
          ids.append(id)
        }
      }
      if ids.isEmpty { always.append(Int32(local)) }
      ruleAnchors.append(ids)
      if let best = ids.max(by: { patterns[Int($0)].count < patterns[Int($1)].count }),
        longestSeen.insert(best).inserted
      {
        longest.append(patterns[Int(best)])
      }
    }
    var triggers = [[Int32]](repeating: [], count: patterns.count)
    for (local, ids) in ruleAnchors.enumerated() {
      if let first = ids.first { triggers[Int(first)].append(Int32(local)) }
    }
    grp.patterns = patterns
    grp.hasAnchors = !patterns.isEmpty
    grp.prefilter = longest.isEmpty ? nil : LiteralPrefilter(literals: longest)
    grp.ruleAnchors = ruleAnchors
    grp.triggers = triggers
    grp.always = always
    grp.built = true
    if seen.count < patterns.count { seen.append(contentsOf: repeatElement(0, count: patterns.count - seen.count)) }
  }
}

/// Collects rule hits from records: plug it into the engine next to the boot detector. Only hits allocate.
public final class RuleHitCollector {
  public let matcher: RuleMatcher
  public private(set) var hits: [RuleHit] = []

  /// Native log kind id (`RuleMatcher.logKindID`) per input index, read from the registry once per input.
  private var logKindIDs: [Int32] = []
  private var logKindKnown: [Bool] = []

  /// `matcher`, unretained (no retain/release pair per record).
  private let matcherRef: Unmanaged<RuleMatcher>
  /// The last input looked up in `logKindIDs` and its kind (consecutive records mostly share their input).
  private var lastInput = -1
  private var lastKindID: Int32 = -1

  public init(matcher: RuleMatcher) {
    self.matcher = matcher
    matcherRef = Unmanaged.passUnretained(matcher)
  }

  public convenience init(rules: [Rule]) {
    self.init(matcher: RuleMatcher(rules: rules))
  }

  /// Takes back `host`'s hits at `firstReadings` (line ranges of inputs read twice, see
  /// `BootSequencer.dropBootsReadTwice`) and keeps the first of its other hits that repeat one another (rule, time
  /// and message), in one pass.
  func dropRepeats(host: String, firstReadings: [(input: Int32, lines: ClosedRange<Int>)]) {
    var seen = Set<String>()
    hits.removeAll { h in
      guard h.host == host else { return false }
      if firstReadings.contains(where: { $0.input == h.location.input && $0.lines.contains(h.location.line) }) {
        return true
      }
      return !seen.insert("\(h.ruleID)\u{0}\(h.time)\u{0}\(h.message)").inserted
    }
  }

  /// Matches one record; the native log kind is the record's input's `InputInfo.component`.
  public func consume(_ r: Record, registry: InputRegistry) {
    var kindID: Int32 = -1
    // By index less the registry's base: a window (`InputRegistry.window()`) numbers its inputs from there.
    let i = Int(r.input) - registry.base
    if i == lastInput {
      kindID = lastKindID
    } else if i >= 0 {
      if i >= logKindKnown.count {
        logKindIDs.append(contentsOf: repeatElement(-1, count: i + 1 - logKindIDs.count))
        logKindKnown.append(contentsOf: repeatElement(false, count: i + 1 - logKindKnown.count))
      }
      if !logKindKnown[i] {
        guard Int(r.input) < registry.count else { return consume(r, logKindID: -1) }
        logKindIDs[i] = matcher.logKindID(registry[r.input].component)
        logKindKnown[i] = true
      }
      kindID = logKindIDs[i]
      lastInput = i
      lastKindID = kindID
    }
    consume(r, logKindID: kindID)
  }

  /// Matches one record with an explicit native log kind.
  public func consume(_ r: Record, logKind: String?) {
    consume(r, logKindID: matcher.logKindID(logKind))
  }

  @inline(__always)
  private func consume(_ r: Record, logKindID: Int32) {
    let identifier = r.identifier
    let unit = r.systemdUnit.isEmpty ? r.unit : r.systemdUnit
    let message = r.message
    // Most records stop at the candidate check: no closure context, no match list.
    guard
      let c = matcherRef._withUnsafeGuaranteedRef({
        $0.candidate(identifier: identifier, unit: unit, isKernel: r.isKernel, logKindID: logKindID, message: message)
      })
    else { return }
    // The callback only notes the matches: a closure capturing `r` would copy the record (and retain its
    // cursor source) on every call.
    var matched: [(Int, [String: String])] = []
    matcherRef._withUnsafeGuaranteedRef { matcher in
      matcher.forEachMatch(c, message: message) { index, captures in matched.append((index, captures)) }
    }
    guard !matched.isEmpty else { return }
    for (index, captures) in matched {
      let rule = matcher.rules[index]
      hits.append(
        RuleHit(
          ruleID: rule.id, title: rule.title, component: rule.component, category: rule.category,
          severity: rule.severity, time: r.time, host: r.host.string,
          machineID: r.machineID.isEmpty ? nil : r.machineID.string,
          bootID: r.bootID.isEmpty ? nil : r.bootID.string,
          location: SourceLocation(input: r.input, line: r.line, cursor: r.cursorSource?.currentCursor()),
          message: r.message.string, captures: captures, monotonic: r.monotonic))
    }
  }

  /// Appends another collector's hits (records that came after this collector's).
  func absorb(_ other: RuleHitCollector) { hits.append(contentsOf: other.hits) }

  /// Adds `delta` to the line numbers of `input`'s hits (a chunk read with line numbers from 1).
  func shiftLines(input: Int32, by delta: Int) {
    for i in hits.indices { hits[i].location.shiftLine(input: input, by: delta) }
  }

  /// Hands the hits over and starts a new list.
  public func takeHits() -> [RuleHit] {
    defer { hits = [] }
    return hits
  }
}

extension RuleMatcher {
  /// The rules that fire on one example line of a rule with filter `filter` (see `RuleExample` for how the
  /// example's source is chosen).
  public func match(example: RuleExample, filter: RuleFilter) -> [RuleMatch] {
    let src = example.source(under: filter)
    return match(line: example.line, identifier: src.identifier, unit: src.unit, logKind: src.log, isKernel: src.kernel)
  }

  /// The rules that fire on a message given as a string (tests, `flatline rules test`).
  public func match(line: String, identifier: String = "", unit: String = "", logKind: String? = nil,
    isKernel: Bool = false) -> [RuleMatch]
  {
    let m = Array(line.utf8)
    let i = Array(identifier.utf8)
    let u = Array(unit.utf8)
    return m.withBytes { mb in
      i.withBytes { ib in
        u.withBytes { ub in
          match(Record(identifier: ib, message: mb, unit: ub, isKernel: isKernel), logKind: logKind)
        }
      }
    }
  }
}
