/** One line of a verification: what was checked, whether it held, and the evidence. */
export interface VerifyCheck {
  check: string;
  ok: boolean;
  detail: string;
}
