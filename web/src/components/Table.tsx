// The panels' tables: a header row of column names and the body rows.
import type { ReactNode } from 'react'

export function Table({ head, testId, children }: { head: string[]; testId?: string; children: ReactNode }) {
  return (
    <table>
      <thead>
        <tr>
          {head.map((h, i) => (
            <th key={`${i}-${h}`}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody data-testid={testId}>{children}</tbody>
    </table>
  )
}
