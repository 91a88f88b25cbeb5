import { describe, expect, it } from 'vitest';
import {
  findPersonalData,
  idCheckCharacter,
  luhnValid,
  maskBankAccount,
  maskIdNumber,
  maskPayee,
  maskPersonalDataInText,
  maskPersonName,
  maskPhone,
} from '../../src/domain/villager/masking.ts';

// Made-up numbers with the right shape: a valid ID (checksum 6), one ending in X, one with a wrong
// check character, a Luhn-valid 16- and 19-digit card.
const ID_VALID = '430482199001011236';
const ID_WITH_X = '43048219780612102X';
const ID_BAD_CHECK = '430482199001011237';
const CARD_16 = '6217000012345670';
const CARD_19 = '6222021234567890128';

describe('maskPersonName', () => {
  it.each([
    ['张三', '张*'],
    ['李小明', '李*'],
    ['欧阳修', '欧阳*'],
    ['诸葛孔明', '诸葛*'],
    ['司马光', '司马*'],
    ['欧阳', '欧*'],
    ['王', '*'],
    [' 刘备 ', '刘*'],
    ['张*', '张*'],
    ['欧阳*', '欧阳*'],
    ['阿依古丽·买买提', '阿*'],
    ['', ''],
  ])('masks %j as %j', (name, masked) => {
    expect(maskPersonName(name)).toBe(masked);
  });
});

describe('maskIdNumber, maskPhone, maskBankAccount', () => {
  it.each([
    [maskIdNumber, ID_VALID, '430****36'],
    [maskIdNumber, ID_WITH_X.toLowerCase(), '430****2X'],
    [maskIdNumber, '123', '****'],
    [maskPhone, '13812341234', '138****1234'],
    [maskPhone, '138-1234-1234', '138****1234'],
    [maskPhone, '+86 138 1234 1234', '138****1234'],
    [maskPhone, '12', '****'],
    [maskBankAccount, CARD_19, '****0128'],
    [maskBankAccount, '6217 0000 1234 5670', '****5670'],
    [maskBankAccount, '12', '****'],
  ])('%o masks %j as %j', (mask, input, expected) => {
    expect(mask(input)).toBe(expected);
  });

  it('masks a payee only when it is a private person', () => {
    expect(maskPayee('张三', true)).toBe('张*');
    expect(maskPayee('常宁市某建筑工程有限公司', false)).toBe('常宁市某建筑工程有限公司');
  });
});

describe('checksums', () => {
  it('computes the ID check character, including X', () => {
    expect(idCheckCharacter(ID_VALID.slice(0, 17))).toBe('6');
    expect(idCheckCharacter(ID_WITH_X.slice(0, 17))).toBe('X');
  });
  it.each([
    [CARD_16, true],
    [CARD_19, true],
    ['6217000012345671', false],
    ['79927398713', true],
    ['12a4', false],
  ])('luhnValid(%j) is %j', (digits, valid) => {
    expect(luhnValid(digits)).toBe(valid);
  });
});

describe('findPersonalData', () => {
  describe.each([
    ['an ID number in a sentence', `身份证号${ID_VALID}。`, 'id_card', ID_VALID, true],
    ['an ID number ending in X', `户主 ${ID_WITH_X}`, 'id_card', ID_WITH_X, true],
    ['an ID number ending in lower-case x', `户主 ${ID_WITH_X.toLowerCase()}`, 'id_card', ID_WITH_X.toLowerCase(), true],
    ['an ID number with a wrong check character', `号码:${ID_BAD_CHECK}`, 'id_card', ID_BAD_CHECK, false],
    ['an ID number written in groups', '430482 19900101 1236', 'id_card', '430482 19900101 1236', true],
    ['a 16-digit bank card', `账号${CARD_16}`, 'bank_card', CARD_16, true],
    ['a 19-digit bank card', `一卡通${CARD_19}`, 'bank_card', CARD_19, true],
    ['a bank card in groups of four', '卡号 6217 0000 1234 5670', 'bank_card', '6217 0000 1234 5670', true],
    ['a mobile number', '联系电话13812341234', 'mobile', '13812341234', null],
    ['a mobile number with +86', '电话:+8613812341234', 'mobile', '+8613812341234', null],
    ['a mobile number grouped 3-4-4', '电话 138-1234-1234 找张*', 'mobile', '138-1234-1234', null],
    ['a mobile number grouped with spaces', '电话 199 0734 5678', 'mobile', '199 0734 5678', null],
    ['a mobile number at the end of a sentence', '请拨打15973412345.', 'mobile', '15973412345', null],
    ['a mobile number in JSON', '{"phone":"17707341234"}', 'mobile', '17707341234', null],
  ])('finds %s', (_label, text, kind, match, checksumValid) => {
    it('with its kind, text and offset', () => {
      const findings = findPersonalData(text);
      expect(findings).toEqual([{ kind, match, index: text.indexOf(match), checksumValid }]);
    });
  });

  it.each([
    ['a 12-digit division code', '村代码 430482105003'],
    ['a household number', '户编号 430482105003-0012'],
    ['an amount in fen', '"amountFen":325682000'],
    ['a large amount in fen', '"amountFen":3555360000'],
    ['a landline', '监督电话:0734-7212345'],
    ['a landline with area code and no dash', '07347212345'],
    ['a formatted amount', '3,555.36 万元、1,381,234,567.00 元'],
    ['a decimal that looks like a mobile number', '13812341234.50'],
    ['a date and a timestamp', '2023-08-31 2023-08-31T12:00:00.000Z'],
    ['a sha256 hash', 'a3f1c2e4b5d6978812345678901234567890abcdeffedcba0987654321fedcba'],
    ['a hash that starts with 17 digits', '12345678901234567abcdef'],
    ['a 16-digit number failing Luhn', '6217000012345671'],
    ['an 18-digit number with an impossible birth date', '430482199013321234'],
    ['an ID-shaped number inside a longer number', `1${ID_VALID}`],
    ['a masked ID and phone', '430****36 138****1234 ****0128'],
    ['a verification code', '7KQ4-M2XD'],
    ['a 11-digit number not starting with 1[3-9]', '12812341234 10012341234'],
  ])('does not flag %s', (_label, text) => {
    expect(findPersonalData(text)).toEqual([]);
  });

  it('finds several kinds in one text, in order of appearance', () => {
    const text = `张三 ${ID_VALID} 电话13812341234 卡${CARD_16}`;
    expect(findPersonalData(text).map((f) => f.kind)).toEqual(['id_card', 'mobile', 'bank_card']);
  });
});

describe('maskPersonalDataInText', () => {
  it('masks every finding and leaves the rest of the text alone', () => {
    const text = `户主身份证${ID_VALID}，电话13812341234，一卡通${CARD_19}，村代码430482105003`;
    expect(maskPersonalDataInText(text)).toBe(
      '户主身份证430****36，电话138****1234，一卡通****0128，村代码430482105003',
    );
  });
  it('returns a clean text unchanged', () => {
    expect(maskPersonalDataInText('硬化道路1.2公里')).toBe('硬化道路1.2公里');
  });
});
