#!/usr/bin/perl
# Baseline for bench_ks_log: a keystroke log written in Perl the way the
# Sebek server scripts work (one read() of the 68-byte record head and one
# of its data per record, unpack, per-key buffers, regex mapping on each
# line end), written for this benchmark from the behaviour described in
# shared/spec/sebek-v3.md section 5. Its lists are sorted like Xebek's, so
# its output can be checked against xebek-ks-log's before it is timed.
use strict;
use warnings;
use POSIX qw(strftime);

binmode STDIN;
binmode STDOUT;
my %pending;    # "ip pid inode fd" => [data, {uid => 1}, {com => 1}]
my %names = ('A' => 'U-ARROW', 'B' => 'D-ARROW', 'C' => 'R-ARROW', 'D' => 'L-ARROW',
             '3~' => 'DEL', '5~' => 'PAGE-U', '6~' => 'PAGE-D');
my $head;
while ((my $got = read(STDIN, $head, 68)) > 0) {
    die "short record head\n" if $got < 68;
    my (undef, undef, $ip, undef, undef, $type, undef, $sec, undef, undef, $pid, $uid, $fd,
        $inode, $com, $len) = unpack('VVNNnnNNNNNNNNa12N', $head);
    my $data = '';
    read(STDIN, $data, $len) if $len;
    next unless $type == 0 && $len <= 100;
    $com =~ tr/\0//d;
    my $key = "$ip $pid $inode $fd";
    my $p = $pending{$key} ||= ['', {}, {}];
    $p->[0] .= $data;
    $p->[1]{$uid} = 1;
    $p->[2]{$com} = 1;
    next unless $data =~ /[\r\n]/;
    my $text = $p->[0];
    $text =~ s/\e\[(A|B|C|D|3~|5~|6~)/[$names{$1}]/g;
    $text =~ s/\x7f/[BS]/g;
    $text =~ s/\e/[ESC]/g;
    $text =~ tr/\x20-\x7e//cd;
    printf "[%s Host:%s UID:%s PID:%u FD:%u INO:%u COM:%s ]#%s\n",
        strftime('%Y-%m-%d %H:%M:%S', gmtime($sec)), join('.', unpack('C4', pack('N', $ip))),
        join('/', sort { $a <=> $b } keys %{$p->[1]}), $pid, $fd, $inode,
        join('/', sort keys %{$p->[2]}), $text;
    delete $pending{$key};
}
