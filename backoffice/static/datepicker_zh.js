// The date picker in Chinese, weeks from Monday: Flask-Admin's form.js makes every picker
// with English defaults, so its options get the Chinese locale merged in as form.js
// loads (it announces itself with adminFormReady, before it makes any picker).
(function () {
  'use strict';

  var CHINESE = {
    applyLabel: '确定',
    cancelLabel: '取消',
    fromLabel: '从',
    toLabel: '至',
    weekLabel: '周',
    customRangeLabel: '自定义',
    daysOfWeek: ['日', '一', '二', '三', '四', '五', '六'],
    monthNames: ['1月', '2月', '3月', '4月', '5月', '6月',
                 '7月', '8月', '9月', '10月', '11月', '12月'],
    firstDay: 1
  };

  if (!window.jQuery) {
    return;
  }
  window.jQuery(document).on('adminFormReady', function () {
    var $ = window.jQuery;
    var make = $.fn.daterangepicker;
    if (!make || make.chinese) {
      return;
    }
    $.fn.daterangepicker = function (options, callback) {
      var merged = $.extend({}, options, {locale: $.extend({}, CHINESE, (options || {}).locale)});
      return make.call(this, merged, callback);
    };
    $.fn.daterangepicker.chinese = true;
  });
})();
