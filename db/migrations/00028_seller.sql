-- The seller's postal address (issue 12, `oms company set`): an invoice states who issues it and
-- where (the law asks for the supplier's full name and address next to its VAT number), so the
-- company row that `oms init` wrote gains the columns the addresses table uses for a buyer:
-- line1, line2, postal_code, city, region, and a phone and an e-mail for the paper's header.
-- '' means not given; the checks keep each one a single printable line of a length a letterhead
-- holds, and an e-mail, when given, something@somewhere. The admin sets them, as the tax
-- settings of 00027; everybody who reads the company reads them.

-- +goose Up
ALTER TABLE company
    ADD COLUMN line1 text NOT NULL DEFAULT '' CONSTRAINT company_line1_one_line CHECK (length(line1) <= 200 AND line1 !~ '[[:cntrl:]]' AND line1 = btrim(line1)),
    ADD COLUMN line2 text NOT NULL DEFAULT '' CONSTRAINT company_line2_one_line CHECK (length(line2) <= 200 AND line2 !~ '[[:cntrl:]]' AND line2 = btrim(line2)),
    ADD COLUMN postal_code text NOT NULL DEFAULT '' CONSTRAINT company_postal_code_format CHECK (postal_code ~ '^[0-9A-Za-z -]{0,16}$' AND postal_code = btrim(postal_code)),
    ADD COLUMN city text NOT NULL DEFAULT '' CONSTRAINT company_city_one_line CHECK (length(city) <= 100 AND city !~ '[[:cntrl:]]' AND city = btrim(city)),
    ADD COLUMN region text NOT NULL DEFAULT '' CONSTRAINT company_region_one_line CHECK (length(region) <= 100 AND region !~ '[[:cntrl:]]' AND region = btrim(region)),
    ADD COLUMN phone text NOT NULL DEFAULT '' CONSTRAINT company_phone_format CHECK (phone ~ '^(\+?[0-9][0-9 ()/.-]{3,28}[0-9])?$'),
    ADD COLUMN email text NOT NULL DEFAULT '' CONSTRAINT company_email_format CHECK (length(email) <= 254 AND email ~ '^([^@[:space:][:cntrl:]]+@[^@[:space:][:cntrl:]]+\.[^@[:space:][:cntrl:]]+)?$'),
    -- An address with a street but no city (or the other way round) cannot be printed as one.
    ADD CONSTRAINT company_address_complete CHECK ((line1 = '') = (city = '') AND (line2 = '' OR line1 <> ''));
GRANT UPDATE (line1, line2, postal_code, city, region, phone, email) ON company TO oms_admin;

-- +goose Down
REVOKE UPDATE (line1, line2, postal_code, city, region, phone, email) ON company FROM oms_admin;
ALTER TABLE company DROP COLUMN line1, DROP COLUMN line2, DROP COLUMN postal_code, DROP COLUMN city,
    DROP COLUMN region, DROP COLUMN phone, DROP COLUMN email;
