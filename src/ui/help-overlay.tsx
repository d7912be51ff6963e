/** `?`: every key, from the one keymap. */
import { Box, Text } from "ink";
import { fullHelp } from "./keymap.js";

export function HelpOverlay() {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold>keys (any key closes)</Text>
      {fullHelp().map((line) => (
        <Text key={line}>{line}</Text>
      ))}
    </Box>
  );
}
