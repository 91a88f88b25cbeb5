/** The scope check every upload row goes through, with a message that names the village. */
import { inScope } from '../access/access.ts';
import type { UploadContext, UploadProblem } from './upload-plan.ts';

/**
 * A problem when the division is outside the uploader's scope, else null. `name` (the village's or
 * township's, for the message) is looked up only when there is a problem: every row of an upload
 * comes through here.
 */
export function scopeProblem(ctx: UploadContext, divisionCode: string, name?: string): (UploadProblem & { problem: string }) | null {
  if (inScope(ctx.actor, divisionCode)) return null;
  name ??= ctx.villages.get(divisionCode)?.name ?? ctx.townships.get(divisionCode) ?? divisionCode;
  const own = ctx.villages.get(ctx.actor.scopeCode)?.name ?? ctx.townships.get(ctx.actor.scopeCode) ?? ctx.actor.scopeCode;
  return {
    code: 'OUT_OF_SCOPE',
    problem: `${name}（${divisionCode}）不在您的管理范围内`,
    received: divisionCode,
    expected: `${own}（${ctx.actor.scopeCode}）范围内的代码`,
    hint: '只能上传本账号所管村（乡镇）的数据；其他村的数据请由其所属乡镇或县里上传。',
  };
}
