/** Secondary text: dim, except in the high-contrast theme, where it is drawn at full intensity. */
import { Text, type TextProps } from "ink";
import { useGlyphs } from "./context.js";

export function Quiet(props: Omit<TextProps, "dimColor">) {
  const g = useGlyphs();
  return <Text {...props} dimColor={g.highContrast !== true} />;
}
