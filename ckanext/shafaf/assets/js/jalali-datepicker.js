/*
 * ckanext-shafaf: an offline Jalali date picker for the Jalali date inputs
 * (scheming/form_snippets/shafaf_jalali_date.html, data-module="shafaf-jalali-date").
 *
 * The calendar arithmetic is the 33-year-cycle conversion (correct for the
 * years municipal records use; 1399, 1403, 1408, 1412 are leap years). It is
 * exposed as window.shafafJalali so the browser tests compare it with the
 * server's persiantools day by day. The picker writes "۱۴۰۳/۰۱/۰۵" into the
 * input, which the server's shafaf_jalali_date validator reads.
 */
(function (root) {
  'use strict';

  var PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
  var MONTHS = ['فروردین', 'اردیبهشت', 'خرداد', 'تیر', 'مرداد', 'شهریور',
                'مهر', 'آبان', 'آذر', 'دی', 'بهمن', 'اسفند'];
  var WEEKDAYS = ['ش', 'ی', 'د', 'س', 'چ', 'پ', 'ج'];  // Saturday first

  function div(a, b) { return Math.floor(a / b); }

  function toJalali(gy, gm, gd) {
    var gdm = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    var gy2 = gm > 2 ? gy + 1 : gy;
    var days = 355666 + 365 * gy + div(gy2 + 3, 4) - div(gy2 + 99, 100) +
               div(gy2 + 399, 400) + gd + gdm[gm - 1];
    var jy = -1595 + 33 * div(days, 12053);
    days %= 12053;
    jy += 4 * div(days, 1461);
    days %= 1461;
    if (days > 365) {
      jy += div(days - 1, 365);
      days = (days - 1) % 365;
    }
    if (days < 186) {
      return [jy, 1 + div(days, 31), 1 + days % 31];
    }
    return [jy, 7 + div(days - 186, 30), 1 + (days - 186) % 30];
  }

  function toGregorian(jy, jm, jd) {
    jy += 1595;
    var days = -355668 + 365 * jy + div(jy, 33) * 8 + div(jy % 33 + 3, 4) + jd +
               (jm < 7 ? (jm - 1) * 31 : (jm - 7) * 30 + 186);
    var gy = 400 * div(days, 146097);
    days %= 146097;
    if (days > 36524) {
      days -= 1;
      gy += 100 * div(days, 36524);
      days %= 36524;
      if (days >= 365) { days += 1; }
    }
    gy += 4 * div(days, 1461);
    days %= 1461;
    if (days > 365) {
      gy += div(days - 1, 365);
      days = (days - 1) % 365;
    }
    var gd = days + 1;
    var leap = (gy % 4 === 0 && gy % 100 !== 0) || gy % 400 === 0;
    var lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    var gm = 0;
    while (gm < 12 && gd > lengths[gm]) { gd -= lengths[gm]; gm += 1; }
    return [gy, gm + 1, gd];
  }

  function monthLength(jy, jm) {
    if (jm <= 6) { return 31; }
    if (jm <= 11) { return 30; }
    // Esfand has 30 days in a leap year: 30 Esfand converts back to itself.
    var g = toGregorian(jy, 12, 30);
    var back = toJalali(g[0], g[1], g[2]);
    return back[0] === jy && back[1] === 12 && back[2] === 30 ? 30 : 29;
  }

  // Saturday = 0 … Friday = 6, as Iranian calendars print weeks.
  function weekday(jy, jm, jd) {
    var g = toGregorian(jy, jm, jd);
    return (new Date(Date.UTC(g[0], g[1] - 1, g[2])).getUTCDay() + 1) % 7;
  }

  function toPersianDigits(text) {
    return String(text).replace(/[0-9]/g, function (d) { return PERSIAN_DIGITS[+d]; });
  }

  function toAsciiDigits(text) {
    return String(text)
      .replace(/[۰-۹]/g, function (d) { return String(d.charCodeAt(0) - 0x06F0); })
      .replace(/[٠-٩]/g, function (d) { return String(d.charCodeAt(0) - 0x0660); });
  }

  function pad(n) { return n < 10 ? '0' + n : String(n); }

  function format(jy, jm, jd) {
    return toPersianDigits(jy + '/' + pad(jm) + '/' + pad(jd));
  }

  // '۱۴۰۳/۱/۵', '1403-01-05' → [1403, 1, 5]; anything else → null.
  function parse(text) {
    var m = /^\s*(1[2-5]\d\d)[\/\-.](\d{1,2})[\/\-.](\d{1,2})\s*$/.exec(toAsciiDigits(text || ''));
    if (!m) { return null; }
    var y = +m[1], mo = +m[2], d = +m[3];
    if (mo < 1 || mo > 12 || d < 1 || d > monthLength(y, mo)) { return null; }
    return [y, mo, d];
  }

  function today() {
    var now = new Date();
    return toJalali(now.getFullYear(), now.getMonth() + 1, now.getDate());
  }

  // An ISO timestamp ('2026-12-02T07:48:00+0000') in the browser's time zone:
  // '۱۴۰۵/۰۹/۱۱، ۱۱:۱۸ (UTC+۰۳:۳۰)', the Jalali twin of CKAN's moment format.
  function localDateTime(iso) {
    var moment = new Date(String(iso || '').replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
    if (isNaN(moment.getTime())) { return null; }
    var j = toJalali(moment.getFullYear(), moment.getMonth() + 1, moment.getDate());
    var offset = -moment.getTimezoneOffset();
    var zone = (offset < 0 ? '-' : '+') + pad(div(Math.abs(offset), 60)) + ':' + pad(Math.abs(offset) % 60);
    return format(j[0], j[1], j[2]) + '، ' +
      toPersianDigits(pad(moment.getHours()) + ':' + pad(moment.getMinutes())) +
      ' (UTC' + toPersianDigits(zone) + ')';
  }

  root.shafafJalali = {
    toJalali: toJalali, toGregorian: toGregorian, monthLength: monthLength,
    weekday: weekday, format: format, parse: parse, today: today,
    localDateTime: localDateTime, toPersianDigits: toPersianDigits, MONTHS: MONTHS
  };

  if (!root.jQuery || !root.ckan || !root.ckan.module) { return; }

  // CKAN's main.js rewrites every .automatic-local-datetime (dataset info,
  // ckanext-harvest's job pages) with moment's Gregorian calendar once the page
  // is ready; on Persian pages this handler, registered after it, writes the
  // Jalali date of the same moment instead.
  root.jQuery(function ($) {
    if (!/^fa/.test(document.documentElement.lang || '')) { return; }
    $('.automatic-local-datetime').each(function () {
      var text = localDateTime($(this).data('datetime'));
      if (text) { $(this).text(text).attr('data-calendar', 'jalali'); }
    });
  });

  root.ckan.module('shafaf-jalali-date', function ($) {
    return {
      initialize: function () {
        $.proxyAll(this, /_on/);
        this.shown = null;
        this.el.wrap('<span class="shafaf-datepicker-wrap d-block"></span>');
        this.el.on('focus click', this._onOpen);
        this.el.on('keydown', this._onKey);
        $(document).on('mousedown', this._onOutside);
      },

      _onOpen: function () {
        var chosen = parse(this.el.val()) || today();
        this.show(chosen[0], chosen[1]);
      },

      _onKey: function (event) {
        if (event.key === 'Escape') { this.hide(); }
      },

      _onOutside: function (event) {
        if (this.picker && !$(event.target).closest(this.el.parent()).length) { this.hide(); }
      },

      hide: function () {
        if (this.picker) { this.picker.remove(); this.picker = null; }
      },

      show: function (jy, jm) {
        var self = this;
        var chosen = parse(this.el.val());
        var now = today();
        this.hide();
        var picker = $('<div class="shafaf-datepicker" role="dialog"></div>')
          .attr('aria-label', 'تقویم / Calendar');
        var head = $('<div class="shafaf-datepicker-head"></div>');
        var prev = $('<button type="button" class="shafaf-datepicker-prev" aria-label="ماه پیش">‹</button>');
        var next = $('<button type="button" class="shafaf-datepicker-next" aria-label="ماه بعد">›</button>');
        var title = $('<span class="shafaf-datepicker-title"></span>')
          .text(MONTHS[jm - 1] + ' ' + toPersianDigits(jy));
        // Right-to-left: the earlier month is on the right.
        head.append(prev, title, next);
        prev.on('click', function () { self.show(jm === 1 ? jy - 1 : jy, jm === 1 ? 12 : jm - 1); });
        next.on('click', function () { self.show(jm === 12 ? jy + 1 : jy, jm === 12 ? 1 : jm + 1); });

        var table = $('<table><thead><tr></tr></thead><tbody></tbody></table>');
        $.each(WEEKDAYS, function (_, name) { table.find('thead tr').append($('<th></th>').text(name)); });
        var body = table.find('tbody');
        var row = $('<tr></tr>');
        var first = weekday(jy, jm, 1);
        for (var i = 0; i < first; i += 1) { row.append('<td></td>'); }
        for (var day = 1; day <= monthLength(jy, jm); day += 1) {
          var value = format(jy, jm, day);
          var button = $('<button type="button"></button>').text(toPersianDigits(day))
            .attr('data-date', value);
          if (now[0] === jy && now[1] === jm && now[2] === day) { button.addClass('is-today'); }
          if (chosen && chosen[0] === jy && chosen[1] === jm && chosen[2] === day) {
            button.addClass('is-selected');
          }
          row.append($('<td></td>').append(button));
          if ((first + day) % 7 === 0) { body.append(row); row = $('<tr></tr>'); }
        }
        if (row.children().length) { body.append(row); }
        body.on('click', 'button', function () {
          self.el.val($(this).attr('data-date')).trigger('change');
          self.hide();
        });
        picker.append(head, table);
        this.el.after(picker);
        this.picker = picker;
      }
    };
  });
}(window));
