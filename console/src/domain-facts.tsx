import type { Domain } from "./api-types.js";
import { dedupeSentence } from "./dedupe-sentence.js";

export const CMS_NAMES: Record<Domain["cms"], string> = {
  drupal: "Drupal",
  backdrop: "Backdrop",
  wordpress: "WordPress",
  joomla: "Joomla",
  standalone: "Standalone",
};

/** A domain's settings as text: its CMS, email sync and dedupe rule in words. */
export function DomainFacts({ domain }: { domain: Domain }) {
  return (
    <dl class="facts">
      <dt>CMS</dt>
      <dd>{CMS_NAMES[domain.cms]}</dd>
      <dt>Email sync</dt>
      <dd>{domain.syncCmsEmail ? "on" : "off"}</dd>
      <dt>Dedupe rule</dt>
      <dd>{dedupeSentence(domain.dedupeRule)}</dd>
    </dl>
  );
}
