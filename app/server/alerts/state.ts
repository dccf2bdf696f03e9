/** What the alerts keep, as the pages show it: each rule's last reading (alert_state) and each channel's deliveries (alert_deliveries). */
export interface AlertState {
  rule: string;
  firing: boolean;
  since: string | null;
  summary: string;
  link: string;
  changed_at: string;
  evaluated_at: string;
}

export interface DeliveryState {
  channel: string;
  sent: number;
  failed: number;
  last_sent_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
}
