/** An input in an editing table: labelled for screen readers, its issues shown under it. */
import type { InputHTMLAttributes } from 'react';

interface Props extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly issues: readonly string[] | undefined;
  readonly onValue: (value: string) => void;
}

export function CellInput({ id, label, value, issues, onValue, className, ...rest }: Props) {
  const invalid = issues !== undefined && issues.length > 0;
  return (
    <div className={`cell ${invalid ? 'cell-invalid' : ''}`}>
      <input
        id={id}
        aria-label={label}
        value={value}
        onChange={(e) => onValue(e.target.value)}
        aria-invalid={invalid}
        aria-describedby={invalid ? `${id}-error` : undefined}
        className={className}
        {...rest}
      />
      {invalid && (
        <span id={`${id}-error`} className="field-error">
          {issues.join('; ')}
        </span>
      )}
    </div>
  );
}
