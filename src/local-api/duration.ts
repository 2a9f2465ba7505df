const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/**
 * Renders an age the way kube-apiserver renders "date" printer columns (apimachinery
 * duration.HumanDuration): "45s", "119s", "2m5s", "12m", "3h", "4h5m", "2d3h", "400d", "2y5d", ...
 *
 * Units truncate toward zero. An age less than two seconds in the future counts as "0s" because
 * of clock skew. An age further in the future, or one that is not a finite number, is "<invalid>".
 */
export function humanDuration(milliseconds: number): string {
  if (!Number.isFinite(milliseconds)) return '<invalid>';

  const seconds = Math.trunc(milliseconds / second);
  if (seconds < -1) return '<invalid>';
  if (seconds <= 0) return '0s';
  if (seconds < 2 * 60) return `${seconds}s`;

  const minutes = Math.trunc(milliseconds / minute);
  if (minutes < 10) return withRemainder(minutes, 'm', seconds % 60, 's');
  if (minutes < 3 * 60) return `${minutes}m`;

  const hours = Math.trunc(milliseconds / hour);
  if (hours < 8) return withRemainder(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;

  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return withRemainder(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;

  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return withRemainder(years, 'y', days % 365, 'd');
  return `${years}y`;
}

/** "4h5m", or "4h" when the smaller unit is zero. */
function withRemainder(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major}${majorUnit}` : `${major}${majorUnit}${minor}${minorUnit}`;
}
