/** Points left after spending `price`: null when the balance is not known yet. */
export function balanceAfter(balance: number | null | undefined, price: number): number | null {
  return balance === null || balance === undefined ? null : balance - price
}
