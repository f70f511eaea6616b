import ArgumentParser
import FlatlineCore

@main
struct Flatline: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "flatline",
    abstract: "Find out how every boot of a Linux host ended, from its logs."
  )
}
