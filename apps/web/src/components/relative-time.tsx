import { formatAbsoluteTime, formatRelativeTime } from '@/lib/format';

/** "3 minutes ago", with the exact UTC time in the title. */
export function RelativeTime({ iso, now }: { iso: string; now: number }) {
  return (
    <time dateTime={iso} title={formatAbsoluteTime(iso)}>
      {formatRelativeTime(iso, now)}
    </time>
  );
}
