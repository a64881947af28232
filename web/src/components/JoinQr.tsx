import { t } from '../i18n';
import { Qr } from './Qr';

/** The join link as a QR code. */
export function JoinQr({ url, code }: { url: string; code: string }) {
  return <Qr text={url} label={t('qr.label', { code })} />;
}
