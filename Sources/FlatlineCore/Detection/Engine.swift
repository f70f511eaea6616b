/// The sink every source feeds: routes each record to the boot state machine of its stream and host.
/// Batch analysis and tail mode both drive this one engine.
public struct DetectionEngine: RecordSink {
  public let registry: InputRegistry
  public private(set) var sequencers: [BootSequencer] = []
  private var index: [String: Int] = [:]
  private var streamOrdinal = 0
  // Fast path: the previous record's stream and host.
  private var lastStream = -1
  private var lastHost: [UInt8] = []
  private var lastSequencer = -1
  /// The host of the previous record per stream, for lines that carry none.
  private var lastHostOfStream: [Int: Int] = [:]
  /// The previous record's input and whether it is a wtmp/utmp input (its records are classified differently).
  private var lastInput: Int32 = -1
  private var lastInputIsLoginRecords = false

  public init(registry: InputRegistry) {
    self.registry = registry
  }

  public mutating func consume(_ r: Record) {
    let stream = registry.inputs[Int(r.input)].stream
    if r.input != lastInput {
      lastInput = r.input
      lastInputIsLoginRecords = registry.inputs[Int(r.input)].kind == .wtmp
    }
    let loginRecords = lastInputIsLoginRecords
    let journal = !r.bootID.isEmpty || !r.machineID.isEmpty
    let key = journal && !r.machineID.isEmpty ? r.machineID : r.host
    let seq: Int
    if stream == lastStream && lastSequencer >= 0 && (key.isEmpty || key.equals(lastHost)) {
      seq = lastSequencer
    } else if key.isEmpty, let s = lastHostOfStream[stream] {
      seq = s
    } else {
      seq = sequencer(stream: stream, key: key, journal: journal, loginRecords: loginRecords, record: r)
      lastHost.removeAll(keepingCapacity: true)
      lastHost.append(contentsOf: key.buffer)
    }
    lastStream = stream
    lastSequencer = seq
    lastHostOfStream[stream] = seq
    let s = sequencers[seq]
    if journal, !r.host.isEmpty, !r.host.equals(s.hostName) { s.hostName = r.host.string }
    streamOrdinal += 1
    let signal = loginRecords ? SignalClassifier.classifyLoginRecord(r) : SignalClassifier.classify(r)
    s.consume(r, signal: signal, streamOrdinal: streamOrdinal)
  }

  private mutating func sequencer(stream: Int, key: Bytes, journal: Bool, loginRecords: Bool, record r: Record) -> Int {
    let k = "\(stream)\u{1}\(key.string)"
    if let i = index[k] { return i }
    let name = journal ? (r.host.isEmpty ? key.string : r.host.string) : (key.isEmpty ? "unknown" : key.string)
    let s = BootSequencer(
      stream: stream, hostKey: key.string, hostName: name, isJournal: journal, isLoginRecords: loginRecords && !journal)
    if journal && !r.machineID.isEmpty { s.machineID = r.machineID.string }
    sequencers.append(s)
    index[k] = sequencers.count - 1
    return sequencers.count - 1
  }

  public mutating func note(_ note: SourceNote) {
    switch note {
    case .dataGap(let input, let reason):
      let stream = registry.inputs[Int(input)].stream
      for s in sequencers where s.stream == stream { s.dataGap(input: input, reason: reason) }
      registry.warn(input, "data gap: \(reason)")
    case .journalFileOnline(let input, let file, let machineID, let tailBootID):
      let stream = registry.inputs[Int(input)].stream
      let k = "\(stream)\u{1}\(machineID)"
      let i: Int
      if let found = index[k] {
        i = found
      } else {
        let s = BootSequencer(stream: stream, hostKey: machineID, hostName: machineID, isJournal: true)
        s.machineID = machineID
        sequencers.append(s)
        i = sequencers.count - 1
        index[k] = i
      }
      sequencers[i].journalFileOnline(input: input, file: file, bootID: tailBootID)
    }
  }

  /// Ends all streams.
  public func finish() {
    for s in sequencers { s.finish() }
  }
}
