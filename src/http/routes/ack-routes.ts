/**
 * Acknowledgment links from warning emails: `GET /api/v1/ack/{token}` shows the warning and a
 * button (a mail scanner that fetches links changes nothing), and the button's form
 * `POST /api/v1/ack/{token}` acknowledges it as the person the token names (no JavaScript; the
 * token is the credential, so no session and no CSRF header). Both answer a small HTML page for
 * any token string: invalid or tampered 400, expired 410, a version no longer current 409,
 * already acknowledged 200 without a new event; never a 5xx because of the token.
 */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AckClaim, AckTokens } from '../../warn/ack-token.js';
import { escapeHtml } from '../../warn/html.js';
import { contactOf } from '../../warn/organisation-store.js';
import { warningById, type WarningRow } from '../../warn/warning-reads.js';
import type { App, ServerContext } from '../context.js';

const ackParams = z.object({ token: z.string() });

/** A page: a title, paragraphs of text, and optionally the confirmation form. */
interface Page {
  readonly status: number;
  readonly title: string;
  readonly paragraphs: readonly string[];
  /** The label of the button that POSTs back to the same address. */
  readonly button?: string;
}

function html(page: Page): string {
  const form =
    page.button === undefined
      ? ''
      : `<form method="post"><input type="hidden" name="confirm" value="yes"><button type="submit">${escapeHtml(page.button)}</button></form>\n`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(page.title)} · Vigil</title></head>
<body><main>
<h1>${escapeHtml(page.title)}</h1>
${page.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${form}</main></body></html>
`;
}

/** The page refusing a token that is invalid, expired or names no warning; else its claim and warning. */
async function refusal(
  ctx: ServerContext,
  tokens: AckTokens,
  token: string,
): Promise<Page | { claim: AckClaim; warning: WarningRow }> {
  const check = tokens.check(token, ctx.now());
  if (!check.ok) {
    return check.reason === 'expired'
      ? {
          status: 410,
          title: 'This link has expired',
          paragraphs: [
            'Acknowledgment links work for a limited time. Open the warning in Vigil to acknowledge it.',
          ],
        }
      : {
          status: 400,
          title: 'This link is not valid',
          paragraphs: [
            'The link may have been cut short or altered. Open the warning in Vigil to acknowledge it.',
          ],
        };
  }
  const warning = await warningById(ctx.store.db, check.claim.warning);
  if (warning === undefined)
    return {
      status: 404,
      title: 'No such warning',
      paragraphs: ['This warning is not (or no longer) in Vigil.'],
    };
  return { claim: check.claim, warning };
}

/** The page for a claim on a version that is not the current one: closed, or superseded. */
function notCurrent(claim: AckClaim, warning: WarningRow): Page {
  return warning.state === 'closed'
    ? {
        status: 409,
        title: 'This warning is closed',
        paragraphs: [
          `The warning was closed with an all-clear at ${warning.closedAt ?? warning.updatedAt}: there is nothing left to acknowledge.`,
        ],
      }
    : {
        status: 409,
        title: 'A newer version of this warning exists',
        paragraphs: [
          `This link is for version ${claim.version}; the warning is now at version ${warning.version} (${warning.judgment.level}, pDangerous ${(warning.judgment.pDangerous * 100).toFixed(0)} %).`,
          'Read the newer version (in its own email, or in Vigil) and acknowledge that one.',
        ],
      };
}

async function alreadyAcknowledged(ctx: ServerContext, claim: AckClaim): Promise<string | undefined> {
  const rows = await ctx.store.db.all<{ at_ms: number }>(
    'SELECT at_ms FROM warn_acks WHERE warning = ? AND version = ? AND person = ? ORDER BY seq LIMIT 1',
    [claim.warning, claim.version, claim.person],
  );
  return rows[0] === undefined ? undefined : new Date(Number(rows[0].at_ms)).toISOString();
}

function summary(warning: WarningRow, title: string): string {
  const j = warning.judgment;
  return `${title}: level ${j.level}, pDangerous ${(j.pDangerous * 100).toFixed(0)} % (${j.words}), leading hypothesis ${j.leading}; version ${warning.version}, assessed at ${j.at}.`;
}

export function ackRoutes(app: App, ctx: ServerContext, tokens: AckTokens): void {
  const send = (reply: FastifyReply, page: Page) =>
    reply
      .status(page.status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-robots-tag', 'noindex')
      .send(html(page));

  const problemTitle = async (warning: WarningRow) =>
    (await ctx.store.problem(warning.problem))?.problem.title ?? warning.problem;

  // The form posts application/x-www-form-urlencoded: parsed here only, not by the API's other routes.
  void app.register(async (scope: App) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1024 },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );

    scope.get(
      '/api/v1/ack/:token',
      {
        config: { access: 'public' },
        schema: {
          tags: ['warnings'],
          summary:
            'An acknowledgment link from a warning email: an HTML page showing the warning with a button that POSTs the acknowledgment (a GET changes nothing)',
          params: ackParams,
        },
      },
      async (request, reply) => {
        const found = await refusal(ctx, tokens, request.params.token);
        if ('status' in found) return send(reply, found);
        const { claim, warning } = found;
        const at = await alreadyAcknowledged(ctx, claim);
        if (at !== undefined)
          return send(reply, {
            status: 200,
            title: 'Already acknowledged',
            paragraphs: [`You acknowledged version ${claim.version} of this warning at ${at}.`],
          });
        if (warning.version !== claim.version || warning.state !== 'open')
          return send(reply, notCurrent(claim, warning));
        const name = (await contactOf(ctx.store, claim.person))?.name ?? claim.person;
        return send(reply, {
          status: 200,
          title: 'Acknowledge this warning',
          paragraphs: [
            summary(warning, await problemTitle(warning)),
            `Acknowledging as ${name}: "I have read this version." The escalation of this version stops.`,
          ],
          button: `Acknowledge version ${claim.version}`,
        });
      },
    );

    scope.post(
      '/api/v1/ack/:token',
      {
        config: { access: 'public' },
        schema: {
          tags: ['warnings'],
          summary:
            "The acknowledgment link's button: acknowledges the warning version as the person the token names, once (an HTML page answers)",
          params: ackParams,
        },
      },
      async (request, reply) => {
        const found = await refusal(ctx, tokens, request.params.token);
        if ('status' in found) return send(reply, found);
        const { claim, warning } = found;
        const result = await ctx.warnings.acknowledgeAsPerson(
          claim.warning,
          claim.person,
          claim.version,
          'email',
        );
        switch (result.outcome) {
          case 'acknowledged':
          case 'repeated': {
            const at = (await alreadyAcknowledged(ctx, claim)) ?? new Date(ctx.now()).toISOString();
            return result.outcome === 'repeated'
              ? send(reply, {
                  status: 200,
                  title: 'Already acknowledged',
                  paragraphs: [`You acknowledged version ${claim.version} of this warning at ${at}.`],
                })
              : send(reply, {
                  status: 200,
                  title: 'Acknowledged',
                  paragraphs: [
                    summary(warning, await problemTitle(warning)),
                    `Recorded at ${at}: the escalation of this version has stopped.`,
                  ],
                });
          }
          case 'stale':
            return send(reply, notCurrent(claim, result.warning));
          case 'not-told':
            return send(reply, {
              status: 403,
              title: 'Not yours to acknowledge',
              paragraphs: ['This link names someone who was not told of this warning.'],
            });
          case 'not-found':
            return send(reply, {
              status: 404,
              title: 'No such warning',
              paragraphs: ['This warning is not (or no longer) in Vigil.'],
            });
          default: {
            const never: never = result;
            throw new Error(`unknown outcome ${String(never)}`);
          }
        }
      },
    );
  });
}
