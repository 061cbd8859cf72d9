import { useState } from "preact/hooks";
import type { CmsKind, DedupeRule, Domain } from "./api-types.js";
import { dedupeSentence } from "./dedupe-sentence.js";
import { CMS_NAMES, DomainFacts } from "./domain-facts.js";
import { useCan, useSession } from "./session-context.js";
import { ErrorMessage } from "./shared.js";

const WEIGHTS = [
  ["email", "Email weight"],
  ["firstName", "First name weight"],
  ["lastName", "Last name weight"],
] as const;

/** CMS, email sync and dedupe rule; editable with an admin key, shown otherwise. */
export function DomainSettings({ domain, onSaved }: { domain: Domain; onSaved: () => void }) {
  const canEdit = useCan("admin");
  return (
    <section aria-labelledby="settings-heading">
      <h2 id="settings-heading">Domain settings</h2>
      {canEdit ? (
        <SettingsForm domain={domain} onSaved={onSaved} />
      ) : (
        <>
          <DomainFacts domain={domain} />
          <p class="muted">Changing them needs a key with the admin scope.</p>
        </>
      )}
    </section>
  );
}

function SettingsForm({ domain, onSaved }: { domain: Domain; onSaved: () => void }) {
  const { api } = useSession();
  const [cms, setCms] = useState<CmsKind>(domain.cms);
  const [syncCmsEmail, setSyncCmsEmail] = useState(domain.syncCmsEmail);
  const [rule, setRule] = useState<DedupeRule>(domain.dedupeRule);
  const [problem, setProblem] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const setWeight = (field: keyof DedupeRule["weights"], value: number) =>
    setRule({ ...rule, weights: { ...rule.weights, [field]: value } });
  const save = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    setSaved(false);
    try {
      await api.put<Domain>(`/v1/domains/${domain.id}`, {
        name: domain.name,
        cms,
        syncCmsEmail,
        dedupeRule: rule,
      });
      setSaved(true);
      onSaved();
    } catch (error) {
      setProblem(error);
    }
  };
  return (
    <form class="settings" onSubmit={save}>
      <label for="cms">CMS</label>
      <select
        id="cms"
        value={cms}
        onChange={(event) => setCms(event.currentTarget.value as CmsKind)}
      >
        {Object.entries(CMS_NAMES).map(([value, name]) => (
          <option key={value} value={value}>
            {name}
          </option>
        ))}
      </select>
      <label class="check">
        <input
          type="checkbox"
          checked={syncCmsEmail}
          onChange={(event) => setSyncCmsEmail(event.currentTarget.checked)}
        />
        Email sync: a contact's new primary email is sent to its linked users
      </label>
      <fieldset>
        <legend>Dedupe rule</legend>
        <div class="weights">
          {WEIGHTS.map(([field, label]) => (
            <NumberField
              key={field}
              id={`weight-${field}`}
              label={label}
              value={rule.weights[field]}
              onChange={(value) => setWeight(field, value)}
            />
          ))}
          <NumberField
            id="threshold"
            label="Threshold"
            value={rule.threshold}
            onChange={(threshold) => setRule({ ...rule, threshold })}
          />
        </div>
        <p class="rule-sentence">{dedupeSentence(rule)}</p>
      </fieldset>
      <button type="submit">Save settings</button>
      {saved && <p role="status">Saved.</p>}
      {problem !== null && <ErrorMessage error={problem} />}
    </form>
  );
}

function NumberField(props: {
  id: string;
  label: string;
  value: number;
  onChange: (value: number) => void;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="number"
        inputMode="numeric"
        min={0}
        step={1}
        value={props.value}
        onInput={(event) => props.onChange(event.currentTarget.valueAsNumber)}
      />
    </div>
  );
}
