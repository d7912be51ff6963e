/** A list to pick from with ↑/↓ and Enter (or the item's number). */
import { Box, Text } from "ink";
import { useKeyFlow, useKeys } from "./keys.js";
import { useState } from "react";
import { useInteractive, useGlyphs } from "./context.js";
import { Quiet } from "./quiet.js";

export interface PickItem {
  id: string;
  label: string;
  detail?: string;
  /** The label's colour, when the item must stand out (a breached incident on home). */
  color?: "red" | "yellow";
}

export interface PickListProps {
  items: readonly PickItem[];
  onPick: (id: string) => void;
  onCancel?: () => void;
  /** Rows shown at once; the list scrolls past them. */
  rows?: number;
  isActive?: boolean;
  /** The item the cursor starts on (the recommended option). */
  initial?: number;
  /** Keys that pick the item under the cursor; Enter by default. A walkthrough choice takes `r` / `y`, never Enter. */
  pickKeys?: readonly string[];
}

/** Pure: the cursor after a key, kept inside the list. */
export function moveCursor(cursor: number, delta: number, length: number): number {
  if (length === 0) return 0;
  return Math.min(length - 1, Math.max(0, cursor + delta));
}

export function PickList({ items, onPick, onCancel, rows = 10, isActive = true, initial = 0, pickKeys }: PickListProps) {
  const [cursor, setCursor] = useState(initial);
  const g = useGlyphs();
  const interactive = useInteractive();
  const keys = useKeyFlow();
  // Picking or leaving changes the screen: the keys behind it are for what is drawn next.
  const pick = (id: string) => {
    keys.hold();
    onPick(id);
  };
  useKeys(
    (input, key) => {
      if (key.upArrow) setCursor((c) => moveCursor(c, -1, items.length));
      else if (key.downArrow) setCursor((c) => moveCursor(c, 1, items.length));
      else if ((pickKeys ? pickKeys.includes(input) && !key.ctrl && !key.meta : key.return) && items[cursor]) pick(items[cursor].id);
      else if (key.escape && onCancel) {
        keys.hold();
        onCancel();
      }
      else if (/^[1-9]$/.test(input) && items[Number(input) - 1]) pick(items[Number(input) - 1]!.id);
    },
    { isActive: interactive && isActive },
  );
  const safe = moveCursor(cursor, 0, items.length);
  const start = Math.max(0, Math.min(safe - Math.floor(rows / 2), items.length - rows));
  const above = start;
  const below = Math.max(0, items.length - (start + rows));
  return (
    <Box flexDirection="column">
      {above > 0 ? <Quiet>{`  ${g.more.up} ${above} more`}</Quiet> : null}
      {items.slice(start, start + rows).map((item, i) => {
        // Only the list that takes the keys shows a cursor (home has several lists at once).
        const at = isActive && start + i === safe;
        return (
          <Box key={item.id}>
            {/* The marker and label keep their width; a long detail is cut, not wrapped under the label. */}
            <Box flexShrink={0}>
              <Text color={at ? "cyan" : undefined}>{at ? `${g.cursor} ` : "  "}</Text>
              <Text bold={at} color={item.color}>{`${start + i + 1}. ${item.label}`}</Text>
            </Box>
            {item.detail ? (
              <Quiet wrap="truncate-end">
                {`  ${item.detail}`}
              </Quiet>
            ) : null}
          </Box>
        );
      })}
      {below > 0 ? <Quiet>{`  ${g.more.down} ${below} more`}</Quiet> : null}
    </Box>
  );
}
