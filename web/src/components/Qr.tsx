import { useMemo } from 'react';
import qrcode from 'qrcode-generator';

/** Text as UTF-8 bytes, one character per byte: qrcode-generator keeps
 * only each character's low byte, and phones read the bytes as UTF-8 (a
 * Wi-Fi named "Café"). */
const utf8Bytes = (text: string) => String.fromCharCode(...new TextEncoder().encode(text));

/** Any text as a QR code, drawn as one SVG path. */
export function Qr({ text, label }: { text: string; label: string }) {
  const { size, path } = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(utf8Bytes(text));
    qr.make();
    const count = qr.getModuleCount();
    let d = '';
    for (let row = 0; row < count; row++) {
      for (let col = 0; col < count; col++) {
        if (qr.isDark(row, col)) d += `M${col + 4},${row + 4}h1v1h-1z`;
      }
    }
    return { size: count + 8, path: d };
  }, [text]);
  return (
    <svg className="qr" viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label} shapeRendering="crispEdges">
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
