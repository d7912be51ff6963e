/** `?`: the keys of the screen it was opened on, from the one keymap. */
import { Box, Text } from "ink";
import { useGlyphs } from "./context.js";
import { helpLines, type Command } from "./keymap.js";

export function HelpOverlay({ commands }: { commands: readonly Command[] }) {
  const g = useGlyphs();
  return (
    <Box flexDirection="column" borderStyle={g.border.plain} borderColor="cyan" paddingX={1}>
      <Text bold>keys of this screen (any key closes)</Text>
      {helpLines(commands.filter((c) => c !== "help")).map((line) => (
        <Text key={line}>{line}</Text>
      ))}
    </Box>
  );
}
