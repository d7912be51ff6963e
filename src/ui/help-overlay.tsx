/** `?`: the keys of the screen it was opened on, from the one keymap. */
import { Box, Text } from "ink";
import { helpLines, type Command } from "./keymap.js";

export function HelpOverlay({ commands }: { commands: readonly Command[] }) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold>keys of this screen (any key closes)</Text>
      {helpLines(commands.filter((c) => c !== "help")).map((line) => (
        <Text key={line}>{line}</Text>
      ))}
    </Box>
  );
}
