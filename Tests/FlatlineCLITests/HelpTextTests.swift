import Foundation
import Testing

/// `flatline help …`: the overview reads as paragraphs. ArgumentParser keeps a discussion's own line breaks and
/// wraps each line at the terminal width, so a paragraph written over several source lines came out ragged
/// (an 80-column line, then a 25-column one, then 80 again).
@Suite struct HelpTextTests {
  static let commands: [[String]] = [
    [], ["analyze"], ["boots"], ["tail"], ["rules"], ["rules", "list"], ["rules", "check"], ["rules", "test"],
  ]

  @Test(arguments: commands)
  func overviewParagraphsAreNotRagged(_ command: [String]) throws {
    let result = try CLI.run(["help"] + command)
    #expect(result.status == 0)
    let overview = result.stdout.components(separatedBy: "\nUSAGE:")[0]
    #expect(overview.hasPrefix("OVERVIEW: "))
    for paragraph in overview.components(separatedBy: "\n\n") {
      let lines = paragraph.trimmingCharacters(in: .newlines).split(separator: "\n")
      // Wrapped at 80 columns: every line but a paragraph's last is long (a long word may wrap early).
      for line in lines.dropLast() {
        #expect(line.count >= 50, "ragged help line in \(command): '\(line)'")
      }
    }
  }
}
